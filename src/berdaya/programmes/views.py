"""Programme and budget pages: thin views that fetch through scoped selectors, call one service, render or redirect.

Authorisation: a programme outside the user's scope does not exist (404, from the selectors); inside it, a page that
changes the catalogue needs Perm.PROGRAMMES_MANAGE over the programme's office, and the budget form
Perm.BUDGET_MANAGE, else 403. Users without Perm.PROGRAMMES_VIEW anywhere (partners) get 403 on every page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm
from berdaya.programmes import selectors, services
from berdaya.programmes.forms import (
    BudgetForm,
    ComponentForm,
    KitForm,
    KitItemForm,
    ProgrammeFilterForm,
    ProgrammeForm,
)
from berdaya.programmes.models import BenefitComponent, BenefitKit, BenefitType, BudgetLine, KitItem, Programme

# --- helpers ---------------------------------------------------------------------------------------------------------


def viewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not hasattr(user, "_prefetched_objects_cache"):
            prefetch_related_objects([user], "role_assignments")  # one query for every permission asked below
        if not has_perm(user, Perm.PROGRAMMES_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _manageable(request, pk: int) -> Programme:
    """404 outside the user's scope, 403 inside it without the right to change the catalogue."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, programme):
        raise PermissionDenied
    return programme


def _attach(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


# --- catalogue -------------------------------------------------------------------------------------------------------

@require_GET
@viewer_required
def programme_list(request):
    form = ProgrammeFilterForm(request.GET or None)
    programmes = selectors.programme_list(user=request.user, filters=form.filters())
    context = {"form": form, "programmes": programmes,
               "can_create": has_perm(request.user, Perm.PROGRAMMES_MANAGE),
               "year": timezone.localdate().year}
    template = "programmes/programme_list.html"
    return render(request, f"{template}#rows" if request.htmx and not request.htmx.boosted else template, context)


@require_GET
@viewer_required
def programme_detail(request, pk: int):
    programme = selectors.programme_get(user=request.user, pk=pk)
    year = _year(request.GET.get("year"), timezone.localdate().year)
    lines = selectors.budget_lines(user=request.user, year=year, programme=programme)
    context = {
        "programme": programme, "year": year, "lines": lines, "totals": selectors.totals(lines),
        "can_manage": selectors.can_manage(request.user, programme),
        "can_budget": selectors.can_manage_budget(request.user, programme),
        "eligibility_rule": programme.eligibility_rules.filter(active=True).first(),
        "can_see_rules": has_perm(request.user, Perm.TARGETING_VIEW, programme.office_id),
        "history": selectors.programme_history(programme=programme)
        if has_perm(request.user, Perm.PROGRAMMES_MANAGE, programme.office_id)
        or has_perm(request.user, Perm.REGISTRY_HISTORY, programme.office_id) else None,
    }
    return render(request, "programmes/programme_detail.html", context)


@require_http_methods(["GET", "POST"])
@viewer_required
def programme_create(request):
    if not has_perm(request.user, Perm.PROGRAMMES_MANAGE):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and "_pick" in request.POST:
        # The region picker's no-JavaScript "Pilih" button: show the next level, save nothing.
        form = ProgrammeForm(initial={n: form[n].data for n in form.fields}, user=request.user)
    elif request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Program %(code)s dibuat.") % {"code": programme.code})
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None},
                  status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
@viewer_required
def programme_edit(request, pk: int):
    programme = _manageable(request, pk)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                changed = services.programme_update(actor=request.user, programme=programme,
                                                    data=dict(form.cleaned_data))
            except ApplicationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Program %(code)s disimpan.") % {"code": form.cleaned_data["code"]}
                                 if changed else _("Tidak ada yang berubah."))
                return redirect("programmes:detail", pk=programme.pk)
    else:
        form = ProgrammeForm(initial=ProgrammeForm.initial_for(programme), user=request.user)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme},
                  status=400 if form.is_bound and form.errors else 200)


# --- benefit: components and kits -------------------------------------------------------------------------------------

def _components_page(request, programme, form, status=200):
    return render(request, "programmes/components.html", {"programme": programme, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@viewer_required
def programme_components(request, pk: int):
    """The component editor: the add form saves a new component, or changes the one with the same code."""
    programme = _manageable(request, pk)
    form = ComponentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.component_save(actor=request.user, programme=programme, code=data["code"], name=data["name"],
                                    amount_per_year=data["amount_per_year"],
                                    cap_per_family=data.get("cap_per_family"))
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Komponen %(name)s disimpan.") % {"name": data["name"]})
            return redirect("programmes:components", pk=programme.pk)
    return _components_page(request, programme, form, status=400 if form.is_bound and form.errors else 200)


@require_POST
@viewer_required
def component_delete(request, pk: int):
    component = get_object_or_404(BenefitComponent.objects.select_related("programme"), pk=pk)
    programme = _manageable(request, component.programme_id)
    services.component_delete(actor=request.user, component=component)
    messages.success(request, _("Komponen %(name)s dihapus.") % {"name": component.name})
    return redirect("programmes:components", pk=programme.pk)


def _kits_page(request, programme, *, kit_form=None, item_forms=None, status=200):
    item_forms = item_forms or {}
    kits = [(kit, item_forms.get(kit.pk) or KitItemForm(prefix=f"kit{kit.pk}")) for kit in programme.kits.all()]
    context = {"programme": programme, "kits": kits, "kit_form": kit_form or KitForm(),
               "has_cap": programme.benefit_type == BenefitType.KIT and bool(programme.benefit_amount)}
    return render(request, "programmes/kits.html", context, status=status)


@require_http_methods(["GET", "POST"])
@viewer_required
def programme_kits(request, pk: int):
    """The kit editor; a POST here adds a kit."""
    programme = _manageable(request, pk)
    if request.method == "GET":
        return _kits_page(request, programme)
    form = KitForm(request.POST)
    if form.is_valid():
        try:
            kit = services.kit_create(actor=request.user, programme=programme, **form.cleaned_data)
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Paket %(name)s dibuat: tambahkan barangnya.") % {"name": kit.name})
            return redirect("programmes:kits", pk=programme.pk)
    return _kits_page(request, programme, kit_form=form, status=400)


def _kit_for_manager(request, kit_pk: int) -> tuple[BenefitKit, Programme]:
    kit = get_object_or_404(BenefitKit, pk=kit_pk)
    return kit, _manageable(request, kit.programme_id)


@require_POST
@viewer_required
def kit_delete(request, pk: int):
    kit, programme = _kit_for_manager(request, pk)
    services.kit_delete(actor=request.user, kit=kit)
    messages.success(request, _("Paket %(name)s dihapus.") % {"name": kit.name})
    return redirect("programmes:kits", pk=programme.pk)


@require_POST
@viewer_required
def kit_item_add(request, pk: int):
    kit, programme = _kit_for_manager(request, pk)
    form = KitItemForm(request.POST, prefix=f"kit{kit.pk}")
    if form.is_valid():
        try:
            item = services.kit_item_add(actor=request.user, kit=kit, **form.cleaned_data)
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("%(item)s ditambahkan ke %(kit)s.") % {"item": item.name, "kit": kit.name})
            return redirect(f"{_kits_url(programme)}#kit-{kit.pk}")
    return _kits_page(request, programme, item_forms={kit.pk: form}, status=400)


def _kits_url(programme) -> str:
    return reverse("programmes:kits", args=[programme.pk])


@require_POST
@viewer_required
def kit_item_remove(request, pk: int):
    item = get_object_or_404(KitItem.objects.select_related("kit"), pk=pk)
    programme = _manageable(request, item.kit.programme_id)
    services.kit_item_remove(actor=request.user, item=item)
    messages.success(request, _("%(item)s dihapus dari %(kit)s.") % {"item": item.name, "kit": item.kit.name})
    return redirect(f"{_kits_url(programme)}#kit-{item.kit_id}")


# --- budgets ---------------------------------------------------------------------------------------------------------

@require_GET
@viewer_required
def budget_current(request):
    return redirect("programmes:budget", year=timezone.localdate().year)


def _budget_save(request, form, year: int):
    data = form.cleaned_data
    programme, source = data["programme"], data["source"]
    line = BudgetLine.objects.filter(programme=programme, source=source, fiscal_year__year=year).first()
    if line is None:
        services.budget_allocate(actor=request.user, programme=programme, source=source, year=year,
                                 amount=data["amount"], reason=data["reason"])
    else:
        services.budget_revise(actor=request.user, line=line, amount=data["amount"], reason=data["reason"])


@require_http_methods(["GET", "POST"])
@viewer_required
def budget(request, year: int):
    """The fiscal year's budget per programme and source, the allocate/revise form and the revision history."""
    if not 2000 <= year <= 2100:
        raise Http404
    manageable = selectors.programmes_manageable(user=request.user, perm=Perm.BUDGET_MANAGE)
    can_manage = has_perm(request.user, Perm.BUDGET_MANAGE)
    form = None
    if can_manage:
        form = BudgetForm(request.POST or None, programmes=manageable, initial=_budget_initial(request))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                _budget_save(request, form, year)
            except ApplicationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Pagu %(programme)s dari %(source)s disimpan.")
                                 % {"programme": form.cleaned_data["programme"].code,
                                    "source": form.cleaned_data["source"].name})
                return redirect("programmes:budget", year=year)
    lines = selectors.budget_lines(user=request.user, year=year)
    fiscal_year = selectors.fiscal_year(year)
    context = {
        "year": year, "fiscal_year": fiscal_year, "groups": selectors.budget_by_programme(lines),
        "totals": selectors.totals(lines), "form": form,
        "revisions": selectors.budget_revisions(user=request.user, year=year),
        "can_toggle_year": services.can_close_years(request.user),
    }
    return render(request, "programmes/budget.html", context, status=400 if form and form.errors else 200)


def _budget_initial(request) -> dict:
    """Links from the table prefill the form (?programme=…&source=…)."""
    return {k: request.GET[k] for k in ("programme", "source") if request.GET.get(k, "").isdigit()}


@require_POST
@viewer_required
def fiscal_year_toggle(request, year: int):
    is_open = request.POST.get("is_open") == "1"
    try:
        services.fiscal_year_set_open(actor=request.user, year=year, is_open=is_open)
    except ApplicationError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tahun anggaran %(year)s dibuka.") % {"year": year} if is_open
                         else _("Tahun anggaran %(year)s ditutup.") % {"year": year})
    return redirect("programmes:budget", year=year)
