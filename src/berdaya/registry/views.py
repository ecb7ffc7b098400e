"""Registry pages: thin views that fetch through scoped selectors, call one service, render or redirect.

Authorisation: an object outside the user's scope does not exist (404, from the selectors); inside it, a page that
changes data needs Perm.REGISTRY_EDIT over the household's village, else 403.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import ApplicationError
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm, region_prefixes
from berdaya.imports import selectors as import_selectors
from berdaya.imports import services as import_services
from berdaya.regions.widgets import scope_root
from berdaya.registry import codes, exports, selectors, services
from berdaya.registry.forms import (
    FlagResolveForm,
    HouseholdFilterForm,
    HouseholdForm,
    MoveForm,
    PersonForm,
    SetHeadForm,
    StatusForm,
)
from berdaya.registry.history import household_history as build_history
from berdaya.registry.models import BPS_CRITERIA, Household, Person
from berdaya.registry.vulnerability import age_on

# Counting every row of a million-row scope on each page is slow; count at most this many (pages past it are not
# offered: narrow the search instead). Also keeps OFFSET small.
LIST_COUNT_CAP = 1000
ASSET_FIELDS = ["has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock"]
HOUSING_FIELDS = ["floor_area_m2", "floor_material", "wall_material", "roof_material", "toilet", "lighting",
                  "water_source", "cooking_fuel", "house_ownership"]
HIDDEN = "•••"


class CappedPaginator(Paginator):
    def __init__(self, *args, cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # No ORDER BY: any cap + 1 matching rows will do, so the database stops early.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, self.cap) // self.per_page))


# --- helpers -----------------------------------------------------------------------------------------------------

def _load_roles(user) -> None:
    """One query for the user's role assignments, however many permissions the page asks about."""
    if user.is_authenticated and not hasattr(user, "_prefetched_objects_cache"):
        prefetch_related_objects([user], "role_assignments")


def _editable_household(request, pk: int) -> Household:
    household = selectors.household_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.REGISTRY_EDIT, household.village_id):
        raise PermissionDenied
    return household


def _editable_person(request, pk: int) -> Person:
    person = selectors.person_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.REGISTRY_EDIT, person.household.village_id):
        raise PermissionDenied
    return person


def _attach(exc: ApplicationError, *forms) -> None:
    """Show a service's refusal on the field it names (first form that has it), else above the form."""
    errors = exc.extra.get("errors") or {exc.field: exc.message}
    for field, message in errors.items():
        target = next((f for f in forms if field and field in f.fields), None)
        (target or forms[0]).add_error(field if target else None, message)


def _done(request, household_pk: int, message: str):
    messages.success(request, message)
    return redirect("registry:household_detail", pk=household_pk)


def _picking_region(request) -> bool:
    """The no-JavaScript "Pilih" button of the region picker: re-render the form, save nothing."""
    return request.method == "POST" and "_pick" in request.POST


def _unbound_copy(form_class, bound, **kwargs):
    initial = {name: bound[name].data for name in bound.fields}
    return form_class(initial=initial, **kwargs)


# --- list --------------------------------------------------------------------------------------------------------

@dataclass
class ListRow:
    household: Household
    kk: str


def _list_query(filters) -> str:
    """The filters as page links carry them (one region code, not the picker's four selects)."""
    params = {"q": filters.q, "region": filters.region, "vulnerability": filters.vulnerability,
              "flagged": "1" if filters.flagged else ""}
    return urlencode({k: v for k, v in params.items() if v})


def _filters_open(request, form, filters) -> bool:
    """Keep the filter panel open when a filter is in use (the region beyond the user's fixed scope root)."""
    root = scope_root(region_prefixes(request.user, Perm.REGISTRY_VIEW))
    return bool(form.errors or filters.vulnerability or filters.flagged or "_pick" in request.GET
                or (filters.region and filters.region not in root))


@require_GET
def household_list(request):
    user = request.user
    _load_roles(user)
    form = HouseholdFilterForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        households = Household.objects.none()
    else:
        households = selectors.household_list(user=user, filters=form.filters())
    paginator = CappedPaginator(households, settings.BERDAYA_PAGE_SIZE, cap=LIST_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    rows = [ListRow(h, h.kk_number if has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, h.village_id)
                    else mask_number(h.kk_number)) for h in page]
    filters = form.filters()
    context = {"form": form, "page": page, "rows": rows, "query": _list_query(filters), "count_cap": LIST_COUNT_CAP,
               "filters_open": _filters_open(request, form, filters), "can_create": has_perm(user, Perm.REGISTRY_EDIT)}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "registry/household_list.html#rows" if partial else "registry/household_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def household_export(request):
    """The list as filtered (the query string), as xlsx or csv (registry.exports): csv streamed, xlsx written to a
    temporary file. A list of more persons than BERDAYA_EXPORT_SYNC_MAX becomes a background export job instead:
    GET shows what will happen, POST queues the job and goes to its page (imports:export_detail)."""
    fmt = request.POST.get("format") or request.GET.get("format", "xlsx")
    form = HouseholdFilterForm(request.GET, user=request.user)
    if fmt not in exports.FORMATS or not form.is_valid():
        return HttpResponseBadRequest(_("Format atau saringan ekspor tidak valid."))
    filters = form.filters()
    if import_selectors.export_needs_job(user=request.user, filters=filters):
        return _export_as_job(request, filters, fmt)
    export = exports.HouseholdExport(user=request.user, filters=filters)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(export), content_type=exports.CONTENT_TYPES["csv"])
        response["Content-Disposition"] = content_disposition_header(True, export.filename("csv"))
        return response
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it (and the OS deletes it)
    exports.write_export(export, "xlsx", handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=export.filename("xlsx"),
                        content_type=exports.CONTENT_TYPES["xlsx"])


def _export_as_job(request, filters, fmt: str):
    if request.method == "POST":
        try:
            job = import_services.export_create(actor=request.user, filters=filters, fmt=fmt)
        except ApplicationError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied from None
            return HttpResponseBadRequest(exc.message)
        return redirect("imports:export_detail", pk=job.pk)
    return render(request, "registry/household_export_confirm.html", {
        "fmt": fmt, "query": _list_query(filters), "limit": import_selectors.export_sync_max(),
        "keep_days": import_services.export_keep_days()})


# --- detail and history ------------------------------------------------------------------------------------------

@dataclass
class MemberRow:
    person: Person
    nik: str
    age: int
    disability: str


def _member_rows(members: list[Person], *, identity: bool) -> list[MemberRow]:
    today = timezone.localdate()
    rows = []
    for p in members:
        nik = p.nik if identity else mask_number(p.nik)
        disability = p.get_disability_display() if identity else HIDDEN
        rows.append(MemberRow(p, nik or "–", age_on(p.birth_date, today), disability))
    return rows


def _field_rows(household: Household, names: list[str]) -> list[tuple[str, object]]:
    rows = []
    for name in names:
        field = Household._meta.get_field(name)
        value = getattr(household, name)
        if field.choices and value:
            value = getattr(household, f"get_{name}_display")()
        rows.append((capfirst(field.verbose_name), value))
    return rows


@require_GET
def household_detail(request, pk: int):
    user = request.user
    _load_roles(user)
    household = selectors.household_get(user=user, pk=pk)
    identity = has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, household.village_id)
    can_edit = has_perm(user, Perm.REGISTRY_EDIT, household.village_id)
    members = _member_rows(selectors.household_members(household=household), identity=identity)
    context = {
        "household": household,
        "kk": household.kk_number if identity else mask_number(household.kk_number),
        "identity": identity,
        "village_path": household.village.path_label(),
        "criteria": [(label, getattr(household, name)) for name, label in BPS_CRITERIA],
        "housing": _field_rows(household, HOUSING_FIELDS),
        "assets": _field_rows(household, ASSET_FIELDS),
        "members": members,
        "flags": selectors.household_open_flags(household=household),
        "can_edit": can_edit,
        "can_history": has_perm(user, Perm.REGISTRY_HISTORY, household.village_id),
        "resolve_form": FlagResolveForm() if can_edit else None,
        "can_set_head": can_edit and any(m.person.is_alive and m.person.relationship != codes.Relationship.HEAD
                                         for m in members),
    }
    return render(request, "registry/household_detail.html", context)


@require_GET
def household_history(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.REGISTRY_HISTORY, household.village_id):
        raise PermissionDenied
    entries = build_history(user=request.user, household=household)
    return render(request, "registry/household_history.html", {"household": household, "entries": entries})


# --- household create / edit -------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def household_create(request):
    user = request.user
    if not has_perm(user, Perm.REGISTRY_EDIT):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, user=user, prefix="hh")
    head_form = PersonForm(data, head=True, prefix="head")
    if _picking_region(request):
        form = _unbound_copy(HouseholdForm, form, user=user, prefix="hh")
        head_form = _unbound_copy(PersonForm, head_form, head=True, prefix="head")
    elif data is not None and form.is_valid() and head_form.is_valid():
        try:
            household = services.household_create(actor=user, data=form.cleaned_data, head=head_form.cleaned_data)
        except ApplicationError as exc:
            _attach(exc, form, head_form)
        else:
            return _done(request, household.pk, _("Keluarga KK %(kk)s didaftarkan.") % {"kk": household.kk_number})
    return render(request, "registry/household_form.html", {"form": form, "head_form": head_form})


@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = _editable_household(request, pk)
    form = HouseholdForm(request.POST or None, user=request.user, prefix="hh",
                         initial={"village": household.village_id,
                                  **{n: getattr(household, n) for n in HouseholdForm.base_fields if n != "village"}})
    if _picking_region(request):
        form = _unbound_copy(HouseholdForm, form, user=request.user, prefix="hh")
    elif request.method == "POST" and form.is_valid():
        try:
            changed = services.household_update(actor=request.user, household=household, data=form.cleaned_data)
        except ApplicationError as exc:
            _attach(exc, form)
        else:
            message = _("Data keluarga disimpan.") if changed else _("Tidak ada perubahan.")
            return _done(request, household.pk, message)
    return render(request, "registry/household_form.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
def household_set_head(request, pk: int):
    household = _editable_household(request, pk)
    form = SetHeadForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_head(
                actor=request.user, household=household, new_head=form.cleaned_data["new_head"],
                former_head_relationship=form.cleaned_data.get("former_head_relationship"))
        except ApplicationError as exc:
            _attach(exc, form)
        else:
            return _done(request, household.pk, _("Kepala keluarga diganti: %(name)s.")
                         % {"name": form.cleaned_data["new_head"].name})
    return render(request, "registry/household_set_head.html",
                  {"form": form, "household": household, "title": _("Ganti kepala keluarga")})


@require_POST
def household_activate(request, pk: int):
    household = _editable_household(request, pk)
    try:
        services.household_activate(actor=request.user, household=household)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("registry:household_detail", pk=household.pk)
    return _done(request, household.pk, _("Keluarga diaktifkan."))


# --- members -----------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def person_add(request, pk: int):
    household = _editable_household(request, pk)
    form = PersonForm(request.POST or None, initial={"relationship": codes.Relationship.CHILD})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(actor=request.user, household=household, data=form.cleaned_data)
        except ApplicationError as exc:
            _attach(exc, form)
        else:
            return _done(request, household.pk, _("%(name)s ditambahkan ke KK ini.") % {"name": person.name})
    return render(request, "registry/person_form.html",
                  {"form": form, "household": household, "title": _("Tambah anggota keluarga")})


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, initial={n: getattr(person, n) for n in PersonForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.person_update(actor=request.user, person=person, data=form.cleaned_data)
        except ApplicationError as exc:
            _attach(exc, form)
        else:
            message = _("Data %(name)s disimpan.") % {"name": person.name} if changed else _("Tidak ada perubahan.")
            return _done(request, person.household_id, message)
    return render(request, "registry/person_form.html",
                  {"form": form, "household": person.household, "person": person,
                   "title": _("Ubah data %(name)s") % {"name": person.name}})


@require_http_methods(["GET", "POST"])
def person_move(request, pk: int):
    person = _editable_person(request, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = selectors.household_by_kk(user=request.user, kk_number=form.cleaned_data["kk_number"],
                                           perm=Perm.REGISTRY_EDIT)
        if target is None:
            form.add_error("kk_number", _("Nomor KK ini tidak ditemukan di wilayah kerja Anda."))
        else:
            try:
                services.person_move(actor=request.user, person=person, to_household=target,
                                     relationship=form.cleaned_data["relationship"])
            except ApplicationError as exc:
                _attach(exc, form)
            else:
                return _done(request, target.pk, _("%(name)s dipindahkan ke KK ini.") % {"name": person.name})
    return render(request, "registry/person_move.html", {"form": form, "person": person,
                                                          "household": person.household, "title": _("Pindah KK")})


@require_http_methods(["GET", "POST"])
def person_status(request, pk: int):
    person = _editable_person(request, pk)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mark = (services.person_mark_deceased if form.cleaned_data["status"] == codes.PersonStatus.DECEASED
                else services.person_mark_moved_out)
        try:
            person = mark(actor=request.user, person=person, on=form.cleaned_data["date"],
                          note=form.cleaned_data["note"])
        except ApplicationError as exc:
            _attach(exc, form)
        else:
            return _done(request, person.household_id, _("Status %(name)s: %(status)s.")
                         % {"name": person.name, "status": person.get_status_display()})
    return render(request, "registry/person_status.html", {"form": form, "person": person,
                                                            "household": person.household,
                                                            "title": _("Meninggal atau pindah keluar")})


# --- review flags ------------------------------------------------------------------------------------------------

@require_POST
def flag_resolve(request, pk: int):
    flag = selectors.flag_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.REGISTRY_EDIT, flag.household.village_id):
        raise PermissionDenied
    form = FlagResolveForm(request.POST)
    form.is_valid()
    try:
        services.flag_resolve(actor=request.user, flag=flag, note=form.cleaned_data.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("registry:household_detail", pk=flag.household_id)
    return _done(request, flag.household_id, _("Tanda tinjau diselesaikan."))
