"""Enrolment pages: thin views that fetch through scoped selectors, call one service, render or redirect.

Authorisation: every page needs Perm.ENROLMENT_VIEW somewhere (else 403); a list, programme or enrolment outside the
user's scope does not exist (404); building, rebuilding, dropping and status changes need Perm.ENROLMENT_MANAGE over
the list's region (or the household's village), approving Perm.ENROLMENT_APPROVE, else 403.
"""

from __future__ import annotations

import tempfile
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.documents import document_response
from berdaya.core.errors import ApplicationError
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm
from berdaya.enrolment import selectors, services
from berdaya.enrolment.exports import EnrolmentListExport
from berdaya.enrolment.forms import (
    ApproveForm,
    BuildForm,
    CancelForm,
    DropForm,
    ListSettingsForm,
    RowFilterForm,
    TransitionForm,
)
from berdaya.enrolment.models import EnrolmentList, EnrolmentStatus
from berdaya.registry import exports as registry_exports

CHANGES_SHOWN = 20


def viewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not hasattr(user, "_prefetched_objects_cache"):
            prefetch_related_objects([user], "role_assignments")  # one query for every permission asked below
        if not has_perm(user, Perm.ENROLMENT_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _attach(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _programme_for(request, pk: int):
    return get_object_or_404(selectors.programmes_for(user=request.user).select_related("office"), pk=pk)


def _managed_list(request, pk: int) -> EnrolmentList:
    lst = selectors.list_get(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, lst):
        raise PermissionDenied
    return lst


# --- index, build, carry-over -----------------------------------------------------------------------------------

@require_GET
@viewer_required
def index(request):
    year = _year(request.GET.get("year"), timezone.localdate().year)
    groups = selectors.index(user=request.user, year=year)
    context = {"year": year, "groups": groups, "can_manage": has_perm(request.user, Perm.ENROLMENT_MANAGE)}
    for group in groups:
        group.can_manage = has_perm(request.user, Perm.ENROLMENT_MANAGE, group.programme.office_id)
    return render(request, "enrolment/index.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def build(request, pk: int):
    programme = _programme_for(request, pk)
    if not has_perm(request.user, Perm.ENROLMENT_MANAGE, programme.office_id):
        raise PermissionDenied
    initial = {"year": _year(request.GET.get("year"), timezone.localdate().year),
               "region": programme.office_id, "require_verval": True}
    form = BuildForm(request.POST or None, programme=programme, user=request.user, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lst = services.list_build(actor=request.user, programme=programme, year=data["year"],
                                      region=data["region"], kind=data["kind"], quotas=data["quotas"],
                                      require_verval=data["require_verval"], budget_line=data["budget_line"],
                                      start_month=data["start_month"], amount_per_unit=data["amount_per_unit"])
        except ApplicationError as exc:
            _attach(form, exc)
            existing = exc.extra.get("list")
        else:
            messages.success(request, _("Daftar disusun: %(n)s keluarga diperingkat.") % {"n": lst.enrolments.count()})
            return redirect("enrolment:list_detail", pk=lst.pk)
    context = {"programme": programme, "form": form, "existing": existing}
    return render(request, "enrolment/build.html", context, status=400 if form.errors else 200)


@require_POST
@viewer_required
def carry_over(request, pk: int):
    programme = _programme_for(request, pk)
    if not has_perm(request.user, Perm.ENROLMENT_MANAGE, programme.office_id):
        raise PermissionDenied
    year = _year(request.POST.get("year"), 0)
    if not year:
        raise Http404
    try:
        count = services.year_carry_over(actor=request.user, programme=programme, from_year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s keluarga daftar tunggu %(year)s dialihkan ke tahun %(next)s.")
                         % {"n": count, "year": year, "next": year + 1})
    return redirect(f"{_index_url()}?year={year + 1 if year else ''}")


def _index_url() -> str:
    from django.urls import reverse

    return reverse("enrolment:index")


# --- a list -----------------------------------------------------------------------------------------------------

@require_GET
@viewer_required
def list_detail(request, pk: int):
    lst = selectors.list_get(user=request.user, pk=pk)
    filter_form = RowFilterForm(request.GET or None)
    page = selectors.rows_page(user=request.user, enrolment_list=lst, filters=filter_form.filters(),
                               page_number=request.GET.get("page"), per_page=settings.BERDAYA_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    identity: dict[str, bool] = {}
    for e in page:
        if e.village_code not in identity:
            identity[e.village_code] = selectors.can_see_identity(request.user, e.village_code)
        e.kk_display = e.household.kk_number if identity[e.village_code] else mask_number(e.household.kk_number)
    context = {"list": lst, "page": page, "filter_form": filter_form, "query": query.urlencode()}
    if request.htmx and not request.htmx.boosted:
        return render(request, "enrolment/list_detail.html#rows", context)
    draft = lst.status == EnrolmentList.Status.DRAFT
    can_manage = selectors.can_manage(request.user, lst)
    changes = services.registry_changed_since(lst) if not draft else []
    context.update({
        "summary": selectors.list_summary(enrolment_list=lst), "quotas": selectors.quota_use(enrolment_list=lst),
        "can_manage": can_manage, "can_approve": draft and selectors.can_approve(request.user, lst),
        "changes": changes[:CHANGES_SHOWN], "changes_count": len(changes),
        "settings_form": ListSettingsForm(programme=lst.programme, initial=_settings_initial(lst))
        if draft and can_manage else None,
        "cancel_form": CancelForm() if draft and can_manage else None,
    })
    return render(request, "enrolment/list_detail.html", context)


def _settings_initial(lst: EnrolmentList) -> dict:
    return {"budget_line": lst.budget_line_id, "require_verval": lst.require_verval, "start_month": lst.start_month,
            "quotas": lst.quotas, "amount_per_unit": lst.amount_per_unit}


@require_POST
@viewer_required
def list_cancel(request, pk: int):
    lst = selectors.list_get(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, lst):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.list_cancel(actor=request.user, enrolment_list=lst, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Daftar draf dibatalkan. Daftar baru dapat disusun."))
    else:
        messages.error(request, _("Tulis alasan pembatalan."))
    return redirect("enrolment:list_detail", pk=lst.pk)


@require_POST
@viewer_required
def list_rebuild(request, pk: int):
    lst = _managed_list(request, pk)
    form = ListSettingsForm(request.POST, programme=lst.programme)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "start_month" and v is None)}  # keep it
        try:
            services.list_rebuild(actor=request.user, enrolment_list=lst, **data)
        except ApplicationError as exc:
            _attach(form, exc)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Daftar disusun ulang."))
    return redirect("enrolment:list_detail", pk=lst.pk)


@require_http_methods(["GET", "POST"])
@viewer_required
def list_approve(request, pk: int):
    lst = selectors.list_get(user=request.user, pk=pk)
    if not selectors.can_approve(request.user, lst):
        raise PermissionDenied
    if lst.status != EnrolmentList.Status.DRAFT:
        messages.info(request, _("Daftar ini sudah ditetapkan."))
        return redirect("enrolment:list_detail", pk=lst.pk)
    form = ApproveForm(request.POST or None, initial={"decree_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.list_approve(actor=request.user, enrolment_list=lst, **form.cleaned_data)
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Daftar ditetapkan dengan SK %(number)s.")
                             % {"number": form.cleaned_data["decree_number"]})
            return redirect("enrolment:list_detail", pk=lst.pk)
    context = {"list": lst, "form": form, "summary": selectors.list_summary(enrolment_list=lst)}
    return render(request, "enrolment/approve.html", context, status=400 if form.errors else 200)


@require_GET
@viewer_required
def decree(request, pk: int):
    lst = selectors.list_get(user=request.user, pk=pk)
    if lst.decree is None:
        raise Http404
    return document_response(lst.decree, as_attachment=request.GET.get("download") == "1")


@require_POST
@viewer_required
def decree_render(request, pk: int):
    """Make the SK again when it is missing (the background job failed or has not run)."""
    lst = selectors.list_get(user=request.user, pk=pk)
    if not (selectors.can_manage(request.user, lst) or selectors.can_approve(request.user, lst)):
        raise PermissionDenied
    try:
        services.decree_render(enrolment_list=lst, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("SK dibuat."))
    return redirect("enrolment:list_detail", pk=lst.pk)


@require_GET
@viewer_required
def list_export(request, pk: int):
    lst = selectors.list_get(user=request.user, pk=pk)
    export = EnrolmentListExport(user=request.user, enrolment_list=lst)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it (and the OS deletes it)
    registry_exports.write_export(export, "xlsx", handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=export.filename("xlsx"),
                        content_type=registry_exports.CONTENT_TYPES["xlsx"])


# --- one enrolment ------------------------------------------------------------------------------------------------

def _enrolment_page(request, enrolment, *, transition_form=None, drop_form=None, status=200):
    can_manage = has_perm(request.user, Perm.ENROLMENT_MANAGE, enrolment.village_code)
    draft = enrolment.enrolment_list.status == EnrolmentList.Status.DRAFT
    fields, members_then, members_now = selectors.frozen_vs_now(enrolment=enrolment)
    if can_manage and transition_form is None:
        transition_form = TransitionForm(enrolment=enrolment)
    droppable = draft and enrolment.status in (EnrolmentStatus.DRAFT, EnrolmentStatus.WAITLISTED)
    context = {
        "enrolment": enrolment, "list": enrolment.enrolment_list, "history": selectors.enrolment_history(
            enrolment=enrolment), "fields": fields, "members_then": members_then, "members_now": members_now,
        "changed": any(f.changed for f in fields) or members_then != members_now,
        "identity": selectors.can_see_identity(request.user, enrolment.village_code),
        "transition_form": transition_form if can_manage and transition_form.has_choices else None,
        "drop_form": (drop_form or DropForm()) if can_manage and droppable else None,
    }
    return render(request, "enrolment/enrolment_detail.html", context, status=status)


@require_GET
@viewer_required
def enrolment_detail(request, pk: int):
    return _enrolment_page(request, selectors.enrolment_get(user=request.user, pk=pk))


@require_POST
@viewer_required
def enrolment_status(request, pk: int):
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.ENROLMENT_MANAGE, enrolment.village_code):
        raise PermissionDenied
    form = TransitionForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.enrolment_transition(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Status diubah."))
            return redirect("enrolment:enrolment_detail", pk=enrolment.pk)
    return _enrolment_page(request, enrolment, transition_form=form, status=400)


@require_POST
@viewer_required
def enrolment_drop(request, pk: int):
    enrolment = selectors.enrolment_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.ENROLMENT_MANAGE, enrolment.village_code):
        raise PermissionDenied
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_drop(actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Keluarga dikeluarkan dari daftar; daftar dialokasikan ulang."))
            return redirect("enrolment:list_detail", pk=enrolment.enrolment_list_id)
    return _enrolment_page(request, enrolment, drop_form=form, status=400)
