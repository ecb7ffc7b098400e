"""Targeting pages: rule editor with the dry run and *why*, ranked candidates (xlsx), score models and runs,
score distribution per village. Thin: fetch through scoped selectors, call one service, render or redirect.

Authorisation: every page needs Perm.TARGETING_VIEW somewhere; a programme outside the user's visible scope does
not exist (404); changing a rule needs Perm.TARGETING_MANAGE over the programme's office, else 403.
"""

from __future__ import annotations

import json
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm
from berdaya.programmes.selectors import programmes_visible
from berdaya.registry import exports as registry_exports
from berdaya.targeting import charts, selectors, services
from berdaya.targeting.exports import CandidateExport
from berdaya.targeting.forms import CandidateFilterForm, DryRunForm, RegionFilterForm, RuleForm, WeightsForm
from berdaya.targeting.models import EligibilityRule, ScoringRun
from berdaya.targeting.reference import field_reference


def _require(request, perm: str, region_code: str | None = None) -> None:
    if request.user.is_authenticated and not hasattr(request.user, "_prefetched_objects_cache"):
        prefetch_related_objects([request.user], "role_assignments")
    if not has_perm(request.user, perm, region_code):
        raise PermissionDenied


def _programme_for(request, pk: int):
    _require(request, Perm.TARGETING_VIEW)
    return get_object_or_404(programmes_visible(user=request.user).select_related("office"), pk=pk)


def _attach(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- index ----------------------------------------------------------------------------------------------------------

@require_GET
def index(request):
    _require(request, Perm.TARGETING_VIEW)
    programmes = list(programmes_visible(user=request.user).select_related("office").order_by("office_id", "code"))
    active = {r.programme_id: r for r in EligibilityRule.objects.filter(programme__in=programmes, active=True)}
    rows = [(p, active.get(p.pk)) for p in programmes]
    return render(request, "targeting/index.html", {"rows": rows, **selectors.score_status()})


# --- rule editor and dry run ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def rule_editor(request, pk: int):
    programme = _programme_for(request, pk)
    can_manage = selectors.can_manage(request.user, programme)
    current = selectors.rule_active(programme)
    initial = current.expression if current else ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                saved = services.rule_save(actor=request.user, programme=programme,
                                           expression=form.cleaned_data["expression"],
                                           note=form.cleaned_data["note"])
            except ApplicationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Aturan versi %(v)s disimpan.") % {"v": saved.version})
                return redirect("targeting:rule_editor", pk=programme.pk)
    else:
        form = RuleForm(initial={"expression": initial})
    dry = _dry_run_context(request, programme, default_expression=initial)
    context = {"programme": programme, "form": form, "current": current, "can_manage": can_manage,
               "versions": selectors.rule_versions(programme)[:20], "reference": field_reference(), **dry}
    return render(request, "targeting/rule_editor.html", context)


def _dry_run_context(request, programme, *, default_expression: str) -> dict:
    bound = "run" in request.GET or "kk" in request.GET
    form = DryRunForm(request.GET if bound else None, user=request.user,
                      initial={"expression": default_expression, "year": timezone.localdate().year})
    context = {"dry_form": form, "dry": None, "why": None, "why_household": None}
    if not bound or not form.is_valid():
        return context
    data = form.cleaned_data
    text = data["expression"] or default_expression
    try:
        rule = services.rule_check(text)
    except ApplicationError as exc:
        form.add_error("expression", exc.message)
        return context
    context["dry_rule_text"] = text
    try:
        if data.get("kk"):
            household = selectors.household_for_why(user=request.user, query=data["kk"])
            context["why"] = selectors.household_why(household=household, rule=rule)
            context["why_household"] = household
        if "run" in request.GET:
            context["dry"] = selectors.dry_run(user=request.user, programme=programme, rule=rule,
                                               region=data.get("region"), year=data.get("year"),
                                               amount_per_unit=data.get("amount"))
    except Http404:
        form.add_error("kk", _("Nomor KK tidak ditemukan di wilayah kerja Anda."))
    except ApplicationError as exc:
        _attach(form, exc)
    return context


@require_POST
def rule_validate(request):
    """htmx, as the officer types: the rule's first problem (line, column, caret) or what it reads."""
    _require(request, Perm.TARGETING_VIEW)
    text = request.POST.get("expression", "")
    try:
        rule = services.rule_check(text)
        context = {"ok": True, "fields": rule.field_names}
    except ApplicationError as exc:
        context = {"ok": False, "error": exc}
    return render(request, "targeting/rule_editor.html#rule_check", context)


@require_POST
def rule_restore(request, pk: int, version: int):
    programme = _programme_for(request, pk)
    if not selectors.can_manage(request.user, programme):
        raise PermissionDenied
    rule = get_object_or_404(EligibilityRule, programme=programme, version=version)
    try:
        saved = services.rule_restore(actor=request.user, rule=rule)
        messages.success(request, _("Versi %(old)s dipulihkan sebagai versi %(v)s.") % {"old": version,
                                                                                       "v": saved.version})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("targeting:rule_editor", pk=programme.pk)


# --- ranked candidates --------------------------------------------------------------------------------------------

@require_GET
def candidates(request, pk: int):
    programme = _programme_for(request, pk)
    current = selectors.rule_active(programme)
    form = CandidateFilterForm(request.GET or None, user=request.user,
                               initial={"year": timezone.localdate().year})
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    year = data.get("year") or timezone.localdate().year
    region = data.get("region")
    if current is None or not valid:
        return render(request, "targeting/candidates.html", {"programme": programme, "form": form, "page": None,
                                                             "current": current, "year": year})
    rule = services.rule_check(current.expression)
    export = CandidateExport(user=request.user, programme=programme, rule=rule, region=region, year=year)
    if request.GET.get("format") == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it (and the OS deletes it)
        registry_exports.write_export(export, "xlsx", handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=export.filename("xlsx"),
                            content_type=registry_exports.CONTENT_TYPES["xlsx"])
    page = Paginator(export.queryset(), settings.BERDAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * page.paginator.per_page
    used, rows = export.units_before(offset), []
    for i, household in enumerate(page):
        used += household.member_count if export.per_person else 1
        rows.append(export.row_view(household, offset + i + 1, used))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {"programme": programme, "form": form, "page": page, "rows": rows, "current": current,
               "year": year, "budget": export.budget, "query": query.urlencode()}
    return render(request, "targeting/candidates.html", context)


# --- scores -----------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def scores(request):
    _require(request, Perm.TARGETING_VIEW)
    can_manage = has_perm(request.user, Perm.TARGETING_MANAGE)
    model = services.score_model_active()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = WeightsForm(request.POST)
        if form.is_valid():
            try:
                saved = services.score_model_save(actor=request.user, weights=form.cleaned_data["weights"],
                                                  note=form.cleaned_data["note"])
            except ApplicationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Model skor versi %(v)s disimpan. Hitung ulang skor agar berlaku.")
                                 % {"v": saved.version})
                return redirect("targeting:scores")
    else:
        form = WeightsForm(initial={"weights": json.dumps(model.weights, indent=2, ensure_ascii=False)})
    run_form = RegionFilterForm(user=request.user, perm=Perm.TARGETING_MANAGE)
    context = {"model": model, "form": form, "run_form": run_form, "can_manage": can_manage,
               "runs": selectors.scoring_runs()}
    return render(request, "targeting/scores.html", context)


@require_POST
def scoring_start(request):
    _require(request, Perm.TARGETING_MANAGE)
    form = RegionFilterForm(request.POST, user=request.user, perm=Perm.TARGETING_MANAGE)
    if form.is_valid():
        try:
            run = services.scoring_start(actor=request.user, region=form.cleaned_data.get("region"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Penghitungan skor dimulai (#%(id)s).") % {"id": run.pk})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("targeting:scores")


@require_GET
def scoring_run_status(request, pk: int):
    """htmx polls this while a run is in progress (every 2 s), and stops when it has ended."""
    _require(request, Perm.TARGETING_VIEW)
    run = get_object_or_404(ScoringRun.objects.select_related("region", "score_model", "created_by"), pk=pk)
    return render(request, "targeting/scores.html#run_row", {"run": run})


@require_GET
def distribution(request):
    _require(request, Perm.TARGETING_VIEW)
    form = RegionFilterForm(request.GET or None, user=request.user)
    region = form.cleaned_data.get("region") if form.is_bound and form.is_valid() else None
    villages = selectors.desil_distribution(user=request.user, region=region) if region else []
    histogram = selectors.welfare_histogram(user=request.user, region=region) if region else []
    context = {"form": form, "region": region, "villages": [charts.desil_chart(v) for v in villages],
               "histogram": charts.histogram_chart(histogram) if histogram else None}
    return render(request, "targeting/distribution.html", context)
