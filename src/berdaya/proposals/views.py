"""Proposal pages: thin views that fetch through scoped selectors, call one service, render or redirect.

Authorisation: users without Perm.PROPOSALS_VIEW anywhere get 403 on every page. A proposal, batch or document
outside the user's scope does not exist (404, from the selectors). Inside it, filing, resubmitting, withdrawing and
editing need Perm.PROPOSALS_FILE over the proposing region, the completeness check Perm.PROPOSALS_REVIEW, else 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.documents import document_response
from berdaya.core.errors import ApplicationError
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm
from berdaya.programmes.models import Programme, TargetUnit
from berdaya.proposals import selectors, services
from berdaya.proposals.forms import (
    BatchForm,
    ItemAddForm,
    ItemDetailsForm,
    PassForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    ResubmitForm,
    WithdrawForm,
    fiscal_year_choices,
    yes_no,
    yes_no_value,
)
from berdaya.proposals.models import ItemStatus, Proposal, ProposalItem
from berdaya.registry.models import Household, Person

# --- helpers ---------------------------------------------------------------------------------------------------------


def viewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not hasattr(user, "_prefetched_objects_cache"):
            prefetch_related_objects([user], "role_assignments")  # one query for every permission asked below
        if not has_perm(user, Perm.PROPOSALS_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _proposal_for(request, pk: int, perm: str) -> Proposal:
    """404 outside the user's scope, 403 inside it without `perm` over the proposing region."""
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if not has_perm(request.user, perm, proposal.region_id):
        raise PermissionDenied
    return proposal


def _item_for(request, pk: int, perm: str) -> ProposalItem:
    item = selectors.item_get(user=request.user, pk=pk)
    if not has_perm(request.user, perm, item.proposal.region_id):
        raise PermissionDenied
    return item


def _attach(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _require_filer(request) -> None:
    if not has_perm(request.user, Perm.PROPOSALS_FILE):
        raise PermissionDenied


# --- list ------------------------------------------------------------------------------------------------------------

def _years(user) -> list[int]:
    years = set(selectors.proposals_in_scope(user=user).order_by().values_list("fiscal_year", flat=True)
                .distinct())
    return sorted(years | {y for y, _label in fiscal_year_choices()}, reverse=True)


def _list_query(filters, **override) -> str:
    params = {"q": filters.q, "status": filters.status, "programme": filters.programme or "",
              "fiscal_year": filters.fiscal_year or ""}
    params.update(override)
    return urlencode({k: v for k, v in params.items() if v})


@require_GET
@viewer_required
def proposal_list(request):
    user = request.user
    form = ProposalFilterForm(request.GET or None, programmes=selectors.programmes_for_filing(user=user),
                              years=_years(user))
    filters = form.filters()
    page = Paginator(selectors.proposal_list(user=user, filters=filters),
                     settings.BERDAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = selectors.item_summaries(page.object_list)
    counts = [(value, label, n, _list_query(filters, status=value)) for value, label, n in
              selectors.status_counts(user=user, filters=filters)]
    context = {"form": form, "filters": filters, "page": page, "counts": counts,
               "rows": [(p, summaries.get(p.pk, [])) for p in page.object_list],
               "query": _list_query(filters), "all_query": _list_query(filters, status=""),
               "can_file": has_perm(user, Perm.PROPOSALS_FILE)}
    template = "proposals/proposal_list.html"
    response = render(request, f"{template}#rows" if _partial(request) else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- filing ----------------------------------------------------------------------------------------------------------

@dataclass
class DraftRow:
    """One household on the filing form, as the browser sent it back (nothing is saved before filing)."""

    household: Household
    kk: str
    members: list[Person]
    person: str = ""
    request: str = ""
    business_type: str = ""
    has_business: str = ""


def _kk(user, household: Household) -> str:
    identity = has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, household.village_id)
    return household.kk_number if identity else mask_number(household.kk_number)


def _draft_row(request, programme: Programme, household: Household, data=None) -> DraftRow:
    data = data if data is not None else {}
    members = (selectors.alive_members(household=household) if programme.target_unit == TargetUnit.PERSON else [])
    pk = household.pk
    return DraftRow(household=household, kk=_kk(request.user, household), members=members,
                    person=data.get(f"person-{pk}", ""), request=data.get(f"request-{pk}", ""),
                    business_type=data.get(f"kit-{pk}", ""), has_business=data.get(f"business-{pk}", ""))


def _draft_rows(request, programme: Programme) -> list[DraftRow]:
    wanted = list(dict.fromkeys(int(v) for v in request.POST.getlist("household") if v.isdigit()))
    if "add" in request.POST and request.POST["add"].isdigit():
        wanted.append(int(request.POST["add"]))
    removed = request.POST.get("remove", "")
    wanted = [pk for pk in dict.fromkeys(wanted) if str(pk) != removed]
    found = selectors.households_for_filing(user=request.user).select_related("village").in_bulk(wanted)
    return [_draft_row(request, programme, found[pk], request.POST) for pk in wanted if pk in found]


def _search_results(request, q: str) -> list[tuple[Household, str]]:
    return [(h, _kk(request.user, h)) for h in selectors.household_search(user=request.user, q=q)]


def _items(rows: list[DraftRow]) -> list[dict]:
    return [{"household": row.household, "person": int(row.person) if row.person.isdigit() else None,
             "request": row.request, "business_type": row.business_type, "has_business": yes_no(row.has_business)}
            for row in rows]


def _programme_chosen(request) -> Programme | None:
    raw = request.POST.get("programme") or request.GET.get("programme") or ""
    if not raw.isdigit():
        return None
    programme = selectors.programmes_for_filing(user=request.user).filter(pk=int(raw)).first()
    if programme is None:
        raise Http404
    return programme


def _filing_context(request, programme, form, rows, *, results=None, q="", items_error="", error_row=None):
    return {"programme": programme, "form": form, "rows": rows, "results": results, "q": q,
            "added": {row.household.pk for row in rows}, "kits": list(programme.kits.all()),
            "person_based": programme.target_unit == TargetUnit.PERSON, "items_error": items_error,
            "error_row": error_row}


@require_http_methods(["GET", "POST"])
@viewer_required
def proposal_create(request):
    """Step 1 chooses the programme (GET ?programme=); step 2 is one form: households, then the letter.

    Without JavaScript the search, add and remove buttons post the form back and the page is rendered again
    (nothing saved); with htmx they fetch only the search results or the new row.
    """
    _require_filer(request)
    user = request.user
    programme = _programme_chosen(request)
    if programme is None:
        return render(request, "proposals/proposal_choose.html",
                      {"programmes": selectors.programmes_for_filing(user=user)})
    batches = selectors.batches_for_filing(user=user)
    if request.method == "GET":
        form = ProposalForm(user=user, batches=batches, initial={"fiscal_year": fiscal_year_choices()[0][0]})
        return render(request, "proposals/proposal_form.html", _filing_context(request, programme, form, []))
    rows = _draft_rows(request, programme)
    q = request.POST.get("q", "").strip()
    if "file" not in request.POST:  # search, add, remove, or the region picker's "Pilih": show the form again
        bound = ProposalForm(request.POST, user=user, batches=batches)
        form = ProposalForm(initial={name: bound[name].data for name in bound.fields if name != "letter"},
                            user=user, batches=batches)
        results = _search_results(request, q) if "search" in request.POST else None
        return render(request, "proposals/proposal_form.html",
                      _filing_context(request, programme, form, rows, results=results, q=q))
    form = ProposalForm(request.POST, request.FILES, user=user, batches=batches)
    items_error, error_row = "", None
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_file(
                actor=user, programme=programme, fiscal_year=data["fiscal_year"], region=data["region"],
                proposer_kind=data["proposer_kind"], proposer_name=data["proposer_name"],
                letter_number=data["letter_number"], letter_date=data["letter_date"], letter_upload=data["letter"],
                batch=data["batch"], summary=data["summary"], items=_items(rows))
        except ApplicationError as exc:
            if exc.field == "items":
                items_error, error_row = exc.message, exc.extra.get("row")
            else:
                _attach(form, exc)
        else:
            messages.success(request, _("Usulan %(number)s diajukan.") % {"number": proposal.number})
            return redirect("proposals:detail", pk=proposal.pk)
    context = _filing_context(request, programme, form, rows, q=q, items_error=items_error, error_row=error_row)
    return render(request, "proposals/proposal_form.html", context, status=400)


@require_GET
@viewer_required
def household_search(request):
    """htmx: the search results of the filing form."""
    _require_filer(request)
    programme = _programme_chosen(request)
    if programme is None:
        raise Http404
    q = request.GET.get("q", "").strip()
    added = {int(v) for v in request.GET.getlist("household") if v.isdigit()}
    context = _filing_context(request, programme, None, [], results=_search_results(request, q), q=q)
    context["added"] = added
    return render(request, "proposals/proposal_form.html#search_results", context)


@require_GET
@viewer_required
def item_row(request):
    """htmx: one new row of the filing form for a household of the user's filing scope."""
    _require_filer(request)
    programme = _programme_chosen(request)
    raw = request.GET.get("household", "")
    household = (selectors.households_for_filing(user=request.user).select_related("village")
                 .filter(pk=int(raw)).first() if raw.isdigit() else None)
    if programme is None or household is None:
        raise Http404
    context = _filing_context(request, programme, None, [])
    context["row"] = _draft_row(request, programme, household)
    return render(request, "proposals/proposal_form.html#item_row", context)


# --- detail and the actions on a letter -------------------------------------------------------------------------

def _detail_context(request, proposal: Proposal, **forms) -> dict:
    user = request.user
    items = selectors.proposal_items(proposal=proposal)
    statuses = {item.status for item in items}
    can_review = has_perm(user, Perm.PROPOSALS_REVIEW, proposal.region_id)
    can_file = has_perm(user, Perm.PROPOSALS_FILE, proposal.region_id)
    programme = proposal.programme
    return {
        "proposal": proposal, "rows": selectors.item_rows(user=user, proposal=proposal, items=items),
        "can_review": can_review and ItemStatus.SUBMITTED in statuses,
        "can_reject": can_review, "can_file": can_file,
        "can_resubmit": can_file and ItemStatus.RETURNED in statuses,
        "can_withdraw": can_file and bool(statuses & services.EDITABLE),
        "can_edit": can_file and services.proposal_is_editable(proposal),
        "editable": services.EDITABLE, "rejectable": {ItemStatus.SUBMITTED, ItemStatus.COMPLETE},
        "return_form": forms.get("return_form") or ReasonForm(prefix="return"),
        "pass_form": forms.get("pass_form") or PassForm(prefix="pass"),
        "resubmit_form": forms.get("resubmit_form") or ResubmitForm(prefix="resubmit"),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(prefix="withdraw"),
        "add_form": forms.get("add_form") or ItemAddForm(prefix="add", programme=programme),
        "open_form": next((name for name, form in forms.items() if form is not None), ""),
    }


def _detail_page(request, proposal, status=200, **forms):
    return render(request, "proposals/proposal_detail.html", _detail_context(request, proposal, **forms),
                  status=status)


@require_GET
@viewer_required
def proposal_detail(request, pk: int):
    return _detail_page(request, selectors.proposal_get(user=request.user, pk=pk))


def _done(request, proposal, message: str):
    messages.success(request, message)
    return redirect("proposals:detail", pk=proposal.pk)


def _letter_action(request, pk: int, *, perm: str, form_class, prefix: str, call, message: str, files=False):
    """A POST with one small form on the detail page: call the service, or show the page with the form's error."""
    proposal = _proposal_for(request, pk, perm)
    form = (form_class(request.POST, request.FILES, prefix=prefix) if files
            else form_class(request.POST, prefix=prefix))
    if form.is_valid():
        try:
            moved = call(proposal, form.cleaned_data)
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            return _done(request, proposal, message % {"n": len(moved), "number": proposal.number})
    return _detail_page(request, proposal, status=400, **{f"{prefix}_form": form})


@require_POST
@viewer_required
def proposal_return(request, pk: int):
    return _letter_action(
        request, pk, perm=Perm.PROPOSALS_REVIEW, form_class=ReasonForm, prefix="return",
        call=lambda p, d: services.proposal_return(actor=request.user, proposal=p, reason=d["reason"],
                                                   document_ref=d["document_ref"]),
        message=_("%(number)s dikembalikan untuk perbaikan (%(n)s rincian)."))


@require_POST
@viewer_required
def proposal_pass(request, pk: int):
    return _letter_action(
        request, pk, perm=Perm.PROPOSALS_REVIEW, form_class=PassForm, prefix="pass",
        call=lambda p, d: services.proposal_pass_completeness(actor=request.user, proposal=p,
                                                              document_ref=d["document_ref"]),
        message=_("%(number)s lolos cek kelengkapan (%(n)s rincian)."))


@require_POST
@viewer_required
def proposal_resubmit(request, pk: int):
    return _letter_action(
        request, pk, perm=Perm.PROPOSALS_FILE, form_class=ResubmitForm, prefix="resubmit", files=True,
        call=lambda p, d: services.proposal_resubmit(actor=request.user, proposal=p, letter_upload=d["letter"],
                                                     note=d["note"]),
        message=_("%(number)s diajukan ulang (%(n)s rincian)."))


@require_POST
@viewer_required
def proposal_withdraw(request, pk: int):
    return _letter_action(
        request, pk, perm=Perm.PROPOSALS_FILE, form_class=WithdrawForm, prefix="withdraw",
        call=lambda p, d: services.proposal_withdraw(actor=request.user, proposal=p, reason=d["reason"]),
        message=_("%(number)s ditarik (%(n)s rincian)."))


@require_POST
@viewer_required
def item_add(request, pk: int):
    proposal = _proposal_for(request, pk, Perm.PROPOSALS_FILE)
    form = ItemAddForm(request.POST, prefix="add", programme=proposal.programme)
    if form.is_valid():
        data = form.cleaned_data
        household, person = selectors.household_by_identity(user=request.user, number=data["identity"])
        try:
            if household is None:
                raise ApplicationError(_("Nomor KK/NIK tidak ditemukan di antara keluarga aktif wilayah Anda."),
                                       field="identity")
            services.item_add(actor=request.user, proposal=proposal, household=household, person=person,
                              request=data["request"], business_type=data.get("business_type", ""),
                              has_business=data["has_business"])
        except ApplicationError as exc:
            form.add_error("identity" if exc.field in ("items", "identity") else None, exc.message)
        else:
            return _done(request, proposal, _("Keluarga %(name)s ditambahkan ke usulan.")
                         % {"name": household.head_name or "–"})
    return _detail_page(request, proposal, status=400, add_form=form)


# --- items -----------------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@viewer_required
def item_edit(request, pk: int):
    item = _item_for(request, pk, Perm.PROPOSALS_FILE)
    programme = item.proposal.programme
    if request.method == "POST":
        form = ItemDetailsForm(request.POST, programme=programme)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = services.item_update(actor=request.user, item=item, request=data["request"],
                                               business_type=data.get("business_type", ""),
                                               has_business=data["has_business"])
            except ApplicationError as exc:
                _attach(form, exc)
            else:
                message = _("Rincian disimpan.") if changed else _("Tidak ada yang berubah.")
                return _done(request, item.proposal, message)
    else:
        form = ItemDetailsForm(programme=programme, initial={
            "request": item.request, "business_type": item.business_type,
            "has_business": yes_no_value(item.has_business)})
    context = {"item": item, "proposal": item.proposal, "form": form, "kk": _kk(request.user, item.household),
               "locked": item.status not in services.EDITABLE}
    return render(request, "proposals/item_edit.html", context, status=400 if form.errors else 200)


@require_POST
@viewer_required
def item_reject(request, pk: int):
    item = _item_for(request, pk, Perm.PROPOSALS_REVIEW)
    form = ReasonForm(request.POST, prefix=f"reject{item.pk}")
    try:
        if not form.is_valid():
            raise ApplicationError(_("Alasan wajib diisi."), field="reason")
        services.item_reject(actor=request.user, item=item, reason=form.cleaned_data["reason"],
                             document_ref=form.cleaned_data["document_ref"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("proposals:detail", pk=item.proposal_id)
    return _done(request, item.proposal, _("Rincian %(name)s ditolak.") % {"name": item.household.head_name or "–"})


@require_POST
@viewer_required
def item_remove(request, pk: int):
    item = _item_for(request, pk, Perm.PROPOSALS_FILE)
    try:
        services.item_remove(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("proposals:detail", pk=item.proposal_id)
    return _done(request, item.proposal, _("Keluarga %(name)s dikeluarkan dari usulan.")
                 % {"name": item.household.head_name or "–"})


# --- documents -------------------------------------------------------------------------------------------------------

@require_GET
@viewer_required
def document(request, pk: int):
    """The letter, minutes or BNBA list, streamed only to users who may see its proposal or batch (else 404)."""
    try:
        return document_response(selectors.document_get(user=request.user, pk=pk))
    except (ApplicationError, FileNotFoundError):
        raise Http404 from None


# --- village meetings ----------------------------------------------------------------------------------------------

@require_GET
@viewer_required
def batch_list(request):
    page = Paginator(selectors.batch_list(user=request.user), settings.BERDAYA_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "proposals/batch_list.html",
                  {"page": page, "can_file": has_perm(request.user, Perm.PROPOSALS_FILE)})


@require_http_methods(["GET", "POST"])
@viewer_required
def batch_create(request):
    _require_filer(request)
    form = BatchForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and "_pick" in request.POST:
        form = BatchForm(initial={n: form[n].data for n in form.fields if n not in ("minutes", "bnba")},
                         user=request.user)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_create(actor=request.user, region=data["region"], meeting_kind=data["meeting_kind"],
                                          meeting_date=data["meeting_date"], minutes_number=data["minutes_number"],
                                          minutes_upload=data["minutes"], bnba_upload=data["bnba"], note=data["note"])
        except ApplicationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Berkas musyawarah disimpan."))
            return redirect("proposals:batch_detail", pk=batch.pk)
    return render(request, "proposals/batch_form.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_GET
@viewer_required
def batch_detail(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk)
    return render(request, "proposals/batch_detail.html",
                  {"batch": batch, "proposals": selectors.batch_proposals(user=request.user, batch=batch)})
