"""Import pages: upload (the dry run then runs in the background), a batch's progress and summary, its commit,
the error report, the templates, and the history.

Every page needs Perm.REGISTRY_EDIT (403 otherwise); a batch the user may not see is a 404 (selectors.batch_get).

Export jobs (queued by the registry list's export when the list is large, registry.views.household_export): a
job's progress and download, and the user's exports. These need Perm.REGISTRY_VIEW (403 otherwise); another user's
export is a 404 (selectors.export_get: only its owner and national administrators).
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm
from berdaya.imports import selectors, services, template
from berdaya.imports.engine import imports_dir
from berdaya.imports.forms import UploadForm
from berdaya.imports.models import ExportJob, ImportBatch
from berdaya.imports.report import kind_labels
from berdaya.registry.exports import CONTENT_TYPES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import_perm(request) -> None:
    if not has_perm(request.user, Perm.REGISTRY_EDIT):
        raise PermissionDenied


def _batch(request, pk: int) -> ImportBatch:
    _require_import_perm(request)
    return selectors.batch_get(user=request.user, pk=pk)


@require_http_methods(["GET", "POST"])
def upload(request):
    _require_import_perm(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and "_pick" in request.POST:  # the region picker without JavaScript: re-render
        form = UploadForm(initial={name: form[name].data for name in ("village", "extracted_at", "all_or_nothing")},
                          user=request.user)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.batch_upload(file=data["file"], actor=request.user,
                                          village=data["village"].code if data["village"] else None,
                                          extracted_at=data["extracted_at"], all_or_nothing=data["all_or_nothing"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("imports:batch_detail", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "max_mb": settings.BERDAYA_IMPORT_MAX_MB})


@require_GET
def batch_detail(request, pk: int):
    batch = _batch(request, pk)
    # Its worker may be gone: say so instead of "running" for ever.
    if services.job_may_have_stalled(batch.job_state, batch.progress_at) and services.jobs_fail_stalled():
        batch.refresh_from_db()
    context = _detail_context(request, batch)
    if request.htmx:
        return render(request, "imports/batch_detail.html#status", context)
    return render(request, "imports/batch_detail.html", context)


def _detail_context(request, batch: ImportBatch) -> dict:
    progress = selectors.batch_progress(batch)
    labels = kind_labels()
    done = not progress.running and batch.job_state == ImportBatch.JobState.FINISHED
    return {
        "batch": batch,
        "progress": progress,
        "summary": batch.summary or {},
        "done": done,
        "problems": [{**p, "kind_label": labels.get(p["kind"], p["kind"])} for p in batch.problems_preview],
        "earlier": selectors.earlier_imports(batch),
        "commit_refused": done and batch.job == ImportBatch.Job.COMMIT and batch.status == ImportBatch.Status.DRY_RUN,
        "can_commit": done and batch.job == ImportBatch.Job.DRY_RUN and batch.status == ImportBatch.Status.DRY_RUN
        and batch.user_id == request.user.pk and bool(batch.stored_path),
        "has_report": bool(batch.report_path) and Path(batch.report_path).is_file(),
    }


@require_POST
def batch_commit(request, pk: int):
    batch = _batch(request, pk)
    try:
        services.batch_commit(batch=batch, actor=request.user)
    except ApplicationError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, exc.message)
    return redirect("imports:batch_detail", pk=batch.pk)


@require_GET
def batch_report(request, pk: int):
    batch = _batch(request, pk)
    path = Path(batch.report_path) if batch.report_path else None
    # Only a file inside the imports folder is ever sent (report_path is written by the engine, never by a user).
    if path is None or not path.is_file() or imports_dir().resolve() not in path.resolve().parents:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"laporan-impor-{batch.pk}.xlsx",
                        content_type=XLSX)


@require_GET
def template_download(request, kind: str):
    _require_import_perm(request)
    buffer = io.BytesIO()
    if kind == "xlsx":
        template.write_template_xlsx(buffer)
        content_type = XLSX
    else:
        template.write_template_csv(buffer)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="template-impor-berdaya.{kind}"'
    return response


@require_GET
def batch_list(request):
    _require_import_perm(request)
    services.jobs_fail_stalled()
    batches = selectors.batches_visible_to(user=request.user).select_related("user", "village")
    page = Paginator(batches, settings.BERDAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/batch_list.html", {"page": page})



# --- export jobs ---------------------------------------------------------------------------------------------------
def _require_export_perm(request) -> None:
    if not has_perm(request.user, Perm.REGISTRY_VIEW):
        raise PermissionDenied


def _export(request, pk: int) -> ExportJob:
    _require_export_perm(request)
    return selectors.export_get(user=request.user, pk=pk)


@require_GET
def export_detail(request, pk: int):
    job = _export(request, pk)
    if services.job_may_have_stalled(job.state, job.progress_at) and services.jobs_fail_stalled():
        job.refresh_from_db()
    context = {"job": job, "progress": selectors.export_progress(job), "filters": selectors.export_filter_summary(job),
               "has_file": selectors.export_file(job) is not None,
               "recent": selectors.exports_of(user=request.user).exclude(pk=job.pk)[: selectors.EXPORTS_RECENT]}
    if request.htmx:
        return render(request, "imports/export_detail.html#status", context)
    return render(request, "imports/export_detail.html", context)


@require_GET
def export_download(request, pk: int):
    job = _export(request, pk)
    path = selectors.export_file(job)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=CONTENT_TYPES[job.format])


@require_GET
def export_list(request):
    _require_export_perm(request)
    services.jobs_fail_stalled()
    page = Paginator(selectors.exports_of(user=request.user), settings.BERDAYA_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "imports/export_list.html", {"page": page, "keep_days": services.export_keep_days()})
