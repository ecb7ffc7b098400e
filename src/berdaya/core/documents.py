"""Storing and serving documents (core.models.Document): letters, minutes, photos, decrees.

Uploads are checked by size (settings.BERDAYA_DOCUMENT_MAX_MB) and by content — the first bytes must be a PDF, JPEG,
PNG or WebP whatever the file is called, and images must decode — before anything is written. Files are stored
under settings.PRIVATE_MEDIA_ROOT, named by their sha256, outside the web root; `document_response` streams one
after the calling view has checked the user may see it (the owning app decides, through the region scope).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", WEBP: ".webp"}
LETTER_TYPES = (PDF, JPEG, PNG, WEBP)  # a letter may be a scan or a phone photo
PHOTO_TYPES = (JPEG, PNG, WEBP)
CHUNK = 64 * 1024


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def max_bytes() -> int:
    return settings.BERDAYA_DOCUMENT_MAX_MB * 1024 * 1024


def _type_names(allowed) -> str:
    return ", ".join(EXTENSIONS[t].lstrip(".").upper() for t in allowed)


def _check_image(path: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ApplicationError(_("Gambar rusak atau tidak dapat dibaca."), field="file") from exc


def _spool(upload, limit: int) -> tuple[Path, str, int, bytes]:
    """Copy the upload to a temporary file under the private root: (path, sha256, size, first bytes)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
                size += len(chunk)
                if size > limit:
                    raise ApplicationError(
                        _("File terlalu besar: paling besar %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                        field="file", code="too_large")
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp), digest.hexdigest(), size, head


def document_store(*, upload, kind: str, region, actor, allowed=LETTER_TYPES) -> Document:
    """Check and store one uploaded file; returns the new Document row. Raises ApplicationError(field="file")."""
    if upload is None or getattr(upload, "size", 1) == 0:
        raise ApplicationError(_("File kosong."), field="file")
    tmp, sha, size, head = _spool(upload, max_bytes())
    try:
        if size == 0:
            raise ApplicationError(_("File kosong."), field="file")
        content_type = sniff(head)
        if content_type not in allowed:
            raise ApplicationError(
                _("Jenis file tidak diterima: unggah %(types)s.") % {"types": _type_names(allowed)},
                field="file", code="type")
        if content_type != PDF:
            _check_image(tmp)
        relative = f"{sha[:2]}/{sha}{EXTENSIONS[content_type]}"
        target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)  # same content, same name: replacing is harmless
    finally:
        if tmp.exists():
            os.unlink(tmp)
    name = os.path.basename(getattr(upload, "name", "") or "dokumen")[:255]
    return Document.objects.create(kind=kind, path=relative, original_name=name, content_type=content_type,
                                   size_bytes=size, sha256=sha, region=region,
                                   uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)


def document_store_bytes(*, data: bytes, name: str, content_type: str, kind: str, region, actor) -> Document:
    """Store a file Berdaya produced itself (a decree PDF): no upload checks, same naming and row."""
    sha = hashlib.sha256(data).hexdigest()
    relative = f"{sha[:2]}/{sha}{EXTENSIONS.get(content_type, '')}"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".gen-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    return Document.objects.create(kind=kind, path=relative, original_name=name[:255], content_type=content_type,
                                   size_bytes=len(data), sha256=sha, region=region,
                                   uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)


def document_path(document: Document) -> Path:
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / document.path).resolve()
    if root not in path.parents:  # a tampered row never reads outside the private root
        raise ApplicationError(_("Dokumen tidak ditemukan."), code="not_found")
    return path


def document_response(document: Document, *, as_attachment: bool = False) -> FileResponse:
    """Stream a document the caller has already authorised. PDFs and images open inline unless asked otherwise."""
    response = FileResponse(document_path(document).open("rb"), content_type=document.content_type,
                            as_attachment=as_attachment, filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
