"""Verval pages: thin views that fetch through scoped selectors, call one service, render or redirect.

Authorisation: every page needs Perm.VERVAL_VIEW somewhere (else 403). An assignment, task, visit or photo outside
what the user may see (access.py) does not exist (404). Inside it, acting needs the right permission over the
place (assign: VERVAL_ASSIGN; visit: the assignment's verifier or an officer with VISIT and ASSIGN; confirm:
VERVAL_CONFIRM and not the visit's verifier), else 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.documents import document_response
from berdaya.core.errors import ApplicationError
from berdaya.core.formatting import rupiah
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm, region_prefixes
from berdaya.regions.models import Region
from berdaya.regions.widgets import scope_root
from berdaya.registry import selectors as registry_selectors
from berdaya.registry.models import BPS_CRITERIA
from berdaya.verification import access, selectors, services
from berdaya.verification.forms import (
    AddHouseholdsForm,
    AddItemsForm,
    AssignmentForm,
    ConfirmForm,
    FunnelFilterForm,
    ImportListForm,
    ReassignForm,
    RejectForm,
    VisitForm,
)
from berdaya.verification.models import Assignment, Source, VervalTask

# Service field names that the visit form shows under another name.
_FIELD_ALIASES = {"duplicate_of": "duplicate_kk", "indicators": None, "latitude": None, "items": "items"}
MAX_ITEMS_SHOWN = 300


def _require(request, perm: str, region_code: str | None = None) -> None:
    user = request.user
    if user.is_authenticated and not hasattr(user, "_prefetched_objects_cache"):
        prefetch_related_objects([user], "role_assignments")
    if not has_perm(user, perm, region_code):
        raise PermissionDenied


def _attach(form, exc: ApplicationError) -> None:
    field = _FIELD_ALIASES.get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _identity(user, code: str) -> bool:
    return has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, code)


@dataclass
class TaskRow:
    task: VervalTask
    who: str
    kk: str
    nik: str
    place: str


def _task_row(user, task: VervalTask) -> TaskRow:
    household = task.household
    if household is not None:
        identity = _identity(user, household.village_id)
        kk = household.kk_number if identity else mask_number(household.kk_number)
        return TaskRow(task, household.head_name or task.listed_name, kk, "", household.village.name)
    identity = _identity(user, task.assignment.region_id)
    nik = task.listed_nik if identity else mask_number(task.listed_nik)
    return TaskRow(task, task.listed_name, "", nik, task.assignment.region.name)


def _with_indicator_rows(visits) -> list:
    """What the verifier recorded, as (label, value) lines for the visit cards."""
    labels = dict(BPS_CRITERIA)
    for visit in visits:
        rows = []
        for name, value in (visit.indicator_changes or {}).items():
            if name == "monthly_income":
                rows.append((_("Penghasilan per bulan"), rupiah(value)))
            elif name in labels:
                rows.append((labels[name], _("Ya") if value else _("Tidak") if value is False else "–"))
        visit.indicator_rows = rows
    return visits


# --- index --------------------------------------------------------------------------------------------------------

@require_GET
def index(request):
    _require(request, Perm.VERVAL_VIEW)
    user = request.user
    rows = []
    if has_perm(user, Perm.VERVAL_VISIT):
        rows = [_task_row(user, t) for t in selectors.my_tasks(user=user)[:500]]
    groups: list[tuple[str, list[TaskRow]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.place:
            groups.append((row.place, []))
        groups[-1][1].append(row)
    can_confirm = has_perm(user, Perm.VERVAL_CONFIRM)
    context = {
        "groups": groups,
        "my_count": len(rows),
        "my_awaiting": selectors.my_awaiting_count(user=user),
        "assignments": list(selectors.assignment_list(user=user)[:100]),
        "overseer": access.is_overseer(user),
        "can_assign": has_perm(user, Perm.VERVAL_ASSIGN),
        "can_confirm": can_confirm,
        "queue_count": selectors.confirmation_queue(user=user).count() if can_confirm else 0,
    }
    return render(request, "verification/index.html", context)


# --- assignments --------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def assignment_create(request):
    _require(request, Perm.VERVAL_ASSIGN)
    user = request.user
    form = AssignmentForm(request.POST or None, user=user)
    if request.method == "POST" and "_pick" in request.POST:  # the region picker without JavaScript
        form = AssignmentForm(initial={name: form[name].data for name in form.fields}, user=user)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                actor=user, name=data["name"], region=data["region"], verifier=data["verifier"],
                source=data["source"], programme=data.get("programme"), fiscal_year=data.get("fiscal_year"),
                list_name=data.get("list_name", ""), due_date=data.get("due_date"))
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Penugasan “%(name)s” dibuat. Tambahkan sasarannya.")
                             % {"name": assignment.name})
            return redirect("verification:assignment_detail", pk=assignment.pk)
    return render(request, "verification/assignment_form.html", {"form": form})


def _assignment_context(request, assignment: Assignment, **extra) -> dict:
    user = request.user
    state = request.GET.get("state", "")
    state = state if state in VervalTask.State.values else ""
    page = Paginator(selectors.assignment_tasks(assignment=assignment, state=state),
                     settings.BERDAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    can_add = access.may_assign(user, assignment) and assignment.status == Assignment.Status.OPEN
    context = {"assignment": assignment, "progress": selectors.assignment_progress(assignment=assignment),
               "page": page, "rows": [_task_row(user, t) for t in page], "state": state,
               "states": VervalTask.State.choices, "can_add": can_add}
    if can_add and assignment.source == Source.PROPOSALS:
        queryset = selectors.assignable_items(assignment=assignment)
        context["items_form"] = extra.pop("items_form", None) or AddItemsForm(queryset=queryset)
        context["items_total"] = queryset.count()
        context["items_form"].fields["items"].queryset = queryset.filter(
            pk__in=list(queryset.values_list("pk", flat=True)[:MAX_ITEMS_SHOWN]))
    if can_add and assignment.source != Source.PROPOSALS:
        context["households_form"] = extra.pop("households_form", None) or AddHouseholdsForm()
    if access.may_assign(user, assignment):
        context["can_manage"] = True
        if assignment.status == Assignment.Status.OPEN:
            context["reassign_form"] = extra.pop("reassign_form", None) or ReassignForm(user=user)
    if can_add and assignment.source == Source.LIST:
        context["import_form"] = extra.pop("import_form", None) or ImportListForm()
    context.update(extra)
    return context


@require_GET
def assignment_detail(request, pk: int):
    _require(request, Perm.VERVAL_VIEW)
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return render(request, "verification/assignment_detail.html", _assignment_context(request, assignment))


def _assignment_for_adding(request, pk: int) -> Assignment:
    _require(request, Perm.VERVAL_VIEW)
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if not access.may_assign(request.user, assignment):
        raise PermissionDenied
    return assignment


@require_POST
def assignment_reassign(request, pk: int):
    assignment = _assignment_for_adding(request, pk)
    form = ReassignForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.assignment_reassign(actor=request.user, assignment=assignment,
                                         verifier=form.cleaned_data["verifier"], reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Penugasan dialihkan ke %(who)s.") % {"who": form.cleaned_data["verifier"]})
            return redirect("verification:assignment_detail", pk=assignment.pk)
    context = _assignment_context(request, assignment, reassign_form=form)
    return render(request, "verification/assignment_detail.html", context, status=400)


@require_POST
def assignment_set_open(request, pk: int):
    assignment = _assignment_for_adding(request, pk)
    is_open = request.POST.get("open") == "1"
    try:
        services.assignment_set_open(actor=request.user, assignment=assignment, is_open=is_open)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Penugasan dibuka kembali.") if is_open else _("Penugasan ditutup."))
    return redirect("verification:assignment_detail", pk=assignment.pk)


@require_POST
def assignment_add_items(request, pk: int):
    assignment = _assignment_for_adding(request, pk)
    form = AddItemsForm(request.POST, queryset=selectors.assignable_items(assignment=assignment))
    if form.is_valid():
        try:
            tasks = services.assignment_add_proposal_items(actor=request.user, assignment=assignment,
                                                           items=form.cleaned_data["items"])
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("%(n)s rincian usulan dijadwalkan untuk diverifikasi.") % {"n": len(tasks)})
            return redirect("verification:assignment_detail", pk=assignment.pk)
    context = _assignment_context(request, assignment, items_form=form)
    return render(request, "verification/assignment_detail.html", context, status=400)


@require_POST
def assignment_add_households(request, pk: int):
    assignment = _assignment_for_adding(request, pk)
    form = AddHouseholdsForm(request.POST)
    if form.is_valid():
        numbers = form.numbers()
        found = {h.kk_number: h for h in registry_selectors.households_in_scope(user=request.user)
                 .filter(kk_number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            form.add_error("kk_numbers", _("Tidak ditemukan di wilayah kerja Anda: %(kk)s")
                           % {"kk": ", ".join(unknown[:20])})
        else:
            try:
                tasks = services.assignment_add_households(actor=request.user, assignment=assignment,
                                                           households=list(found.values()))
            except ApplicationError as exc:
                form.add_error("kk_numbers", exc.message)
            else:
                messages.success(request, _("%(n)s keluarga ditambahkan.") % {"n": len(tasks)})
                return redirect("verification:assignment_detail", pk=assignment.pk)
    context = _assignment_context(request, assignment, households_form=form)
    return render(request, "verification/assignment_detail.html", context, status=400)


@require_POST
def assignment_import(request, pk: int):
    assignment = _assignment_for_adding(request, pk)
    form = ImportListForm(request.POST, request.FILES)
    report, status = None, 400
    if form.is_valid():
        try:
            report = services.assignment_import_list(actor=request.user, assignment=assignment,
                                                     upload=form.cleaned_data["upload"])
        except ApplicationError as exc:
            form.add_error("upload", exc.message)
        else:
            status = 200
            form = ImportListForm()
    context = _assignment_context(request, assignment, import_form=form, report=report)
    return render(request, "verification/assignment_detail.html", context, status=status)


# --- tasks and the visit form -------------------------------------------------------------------------------------

def _visit_record(request, task: VervalTask, form: VisitForm):
    data = form.cleaned_data
    duplicate_of = None
    if data.get("outcome") == "duplicate" and data.get("duplicate_kk"):
        duplicate_of = registry_selectors.household_by_kk(user=request.user, kk_number=data["duplicate_kk"])
        if duplicate_of is None:
            form.add_error("duplicate_kk", _("Nomor KK ini tidak ditemukan di wilayah kerja Anda."))
            return None
    try:
        return services.visit_record(
            actor=request.user, task=task, visited_on=data["visited_on"], outcome=data["outcome"],
            reason=data.get("reason", ""), notes=data.get("notes", ""),
            indicator_changes=form.indicator_changes(task.household), person=data.get("person"),
            duplicate_of=duplicate_of, new_household=form.new_household(), latitude=data.get("latitude"),
            longitude=data.get("longitude"), accuracy=data.get("accuracy"), photos=data.get("photos") or [])
    except ApplicationError as exc:
        _attach(form, exc)
        return None


@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    _require(request, Perm.VERVAL_VIEW)
    user = request.user
    task = selectors.task_get(user=user, pk=pk)
    may_record = access.may_record_visit(user, task)
    open_for_visit = task.state == VervalTask.State.PENDING and task.assignment.status == Assignment.Status.OPEN
    form = None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = VisitForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            visit = _visit_record(request, task, form)
            if visit is not None:
                if visit.confirmation == visit.Confirmation.PENDING:
                    messages.success(request, _("Kunjungan disimpan: hasil “%(o)s” menunggu konfirmasi "
                                                "orang kedua.") % {"o": visit.get_outcome_display()})
                else:
                    messages.success(request, _("Kunjungan disimpan: %(o)s.") % {"o": visit.get_outcome_display()})
                return redirect("verification:task_detail", pk=task.pk)
    elif may_record and open_for_visit:
        form = VisitForm(task=task)
    household = task.household
    identity = _identity(user, access.task_place(task))
    members = []
    if household is not None:
        for person in household.members.order_by("status", "relationship", "birth_date"):
            members.append((person, person.nik if identity else mask_number(person.nik)))
    visits = _with_indicator_rows(selectors.task_visits(task=task))
    visit_rows = [(v, v.confirmation == v.Confirmation.PENDING and access.may_confirm(user, v),
                   v.verifier_id == user.pk) for v in visits]
    context = {"task": task, "row": _task_row(user, task), "form": form, "members": members,
               "visit_rows": visit_rows, "identity": identity,
               "listed_nik": task.listed_nik if identity else mask_number(task.listed_nik)}
    return render(request, "verification/task_detail.html", context, status=400 if form and form.errors else 200)


# --- confirmation -------------------------------------------------------------------------------------------------

@require_GET
def queue(request):
    _require(request, Perm.VERVAL_CONFIRM)
    user = request.user
    visits = _with_indicator_rows(list(selectors.confirmation_queue(user=user)[:200]))
    rows = [(visit, _task_row(user, visit.task), access.may_confirm(user, visit)) for visit in visits]
    return render(request, "verification/queue.html", {"rows": rows, "confirm_form": ConfirmForm(),
                                                        "reject_form": RejectForm()})


def _visit_for_confirming(request, pk: int):
    _require(request, Perm.VERVAL_VIEW)
    visit = selectors.visit_get(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.VERVAL_CONFIRM, access.task_place(visit.task)):
        raise PermissionDenied
    return visit


def _back(request, visit):
    target = request.POST.get("next", "")
    if target == "task":
        return redirect("verification:task_detail", pk=visit.task_id)
    return redirect("verification:queue")


@require_POST
def visit_confirm(request, pk: int):
    visit = _visit_for_confirming(request, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        services.visit_confirm(actor=request.user, visit=visit, note=form.cleaned_data.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Hasil “%(o)s” dikonfirmasi dan diterapkan.")
                         % {"o": visit.get_outcome_display()})
    return _back(request, visit)


@require_POST
def visit_reject(request, pk: int):
    visit = _visit_for_confirming(request, pk)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        services.visit_reject(actor=request.user, visit=visit, note=form.cleaned_data.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Hasil kunjungan ditolak: sasaran kembali untuk dikunjungi ulang."))
    return _back(request, visit)


# --- photos -------------------------------------------------------------------------------------------------------

@require_GET
def photo(request, pk: int):
    _require(request, Perm.VERVAL_VIEW)
    return document_response(selectors.photo_get(user=request.user, pk=pk).document)


# --- funnel -------------------------------------------------------------------------------------------------------

def _default_region(user) -> Region | None:
    root = scope_root(region_prefixes(user, Perm.VERVAL_VIEW))
    return Region.objects.filter(code=root[-1]).first() if root else None


@require_GET
def funnel(request):
    _require(request, Perm.VERVAL_VIEW)
    user = request.user
    form = FunnelFilterForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and form.errors:
        return render(request, "verification/funnel.html", {"form": form, "result": None}, status=400)
    region = data.get("region") or _default_region(user)
    programme = data.get("programme")
    year = data.get("year")
    result = selectors.funnel(user=user, programme=programme, fiscal_year=year, region=region)
    return render(request, "verification/funnel.html", {"form": form, "result": result, "region": region,
                                                         "programme": programme, "year": year})

