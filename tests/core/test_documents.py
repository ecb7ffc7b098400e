"""core.documents: uploads are checked by content and size before anything is written."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core import documents
from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.regions.models import Region
from tests import factories
from tests.conftest import VILLAGE_A

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def village(db):
    return Region.objects.get(code=VILLAGE_A)


def test_it_stores_a_pdf_outside_the_web_root_named_by_its_hash(private_root, village, staff_blora):
    doc = documents.document_store(upload=SimpleUploadedFile("surat.pdf", PDF_BYTES), kind=Document.Kind.LETTER,
                                   region=village, actor=staff_blora)
    assert doc.content_type == documents.PDF
    assert (private_root / doc.path).read_bytes() == PDF_BYTES
    assert doc.sha256 in doc.path and doc.uploaded_by == staff_blora


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(private_root, village, staff_blora):
    with pytest.raises(ApplicationError) as err:
        documents.document_store(upload=SimpleUploadedFile("surat.pdf", b"MZ\x90\x00 not a pdf"),
                                 kind=Document.Kind.LETTER, region=village, actor=staff_blora)
    assert err.value.code == "type" and "PDF" in str(err.value)
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_root.rglob("*"))


def test_it_refuses_an_oversized_file_and_leaves_no_temporary_file(private_root, village, staff_blora, settings):
    settings.BERDAYA_DOCUMENT_MAX_MB = 1
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ApplicationError) as err:
        documents.document_store(upload=SimpleUploadedFile("besar.pdf", big), kind=Document.Kind.LETTER,
                                 region=village, actor=staff_blora)
    assert err.value.code == "too_large"
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_root.rglob("*"))


def test_it_refuses_a_pdf_where_only_photos_are_allowed(private_root, village, staff_blora):
    with pytest.raises(ApplicationError):
        documents.document_store(upload=SimpleUploadedFile("foto.pdf", PDF_BYTES), kind=Document.Kind.PHOTO,
                                 region=village, actor=staff_blora, allowed=documents.PHOTO_TYPES)


def test_it_accepts_a_real_png_and_refuses_a_truncated_one(private_root, village, staff_blora):
    png = factories.png_bytes()
    doc = documents.document_store(upload=SimpleUploadedFile("rumah.png", png), kind=Document.Kind.PHOTO,
                                   region=village, actor=staff_blora, allowed=documents.PHOTO_TYPES)
    assert doc.content_type == documents.PNG
    with pytest.raises(ApplicationError):
        documents.document_store(upload=SimpleUploadedFile("rusak.png", png[:20]), kind=Document.Kind.PHOTO,
                                 region=village, actor=staff_blora, allowed=documents.PHOTO_TYPES)


def test_the_response_streams_the_file_with_nosniff(private_root, village, staff_blora):
    doc = documents.document_store(upload=SimpleUploadedFile("surat.pdf", PDF_BYTES), kind=Document.Kind.LETTER,
                                   region=village, actor=staff_blora)
    response = documents.document_response(doc)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == documents.PDF
