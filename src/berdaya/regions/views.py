import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from berdaya.core.permissions import Perm
from berdaya.regions.widgets import RegionPickerWidget

PERMS = frozenset(value for key, value in vars(Perm).items() if key.isupper())
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


def _level(raw: str | None, default: int | None) -> int | None:
    return int(raw) if raw in ("1", "2", "3", "4") else default


@require_GET
def picker(request):
    """htmx endpoint of the cascading picker: the widget re-rendered for the levels chosen so far.

    Options come from the user's scope for `_perm`, so the endpoint never lists a region outside it.
    """
    name, id_, perm = request.GET.get("_name", ""), request.GET.get("_id", ""), request.GET.get("_perm", "")
    if not _NAME.match(name) or not _NAME.match(id_) or perm not in PERMS:
        return HttpResponseBadRequest("bad picker parameters")
    level = _level(request.GET.get("_level"), None)
    widget = RegionPickerWidget(depth=_level(request.GET.get("_depth"), 4), user=request.user, perm=perm,
                                level=level)
    value = widget.value_from_datadict(request.GET, None, name)
    return HttpResponse(widget.render(name, value, attrs={"id": id_}))
