"""batch_create: a village meeting (musdes/muskel or SPTJM) with its signed minutes and its BNBA list."""

from datetime import date, timedelta

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.proposals import services
from berdaya.proposals.models import ProposalBatch
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_B
from tests.proposals.conftest import EXE_BYTES, pdf, png, stored_files


def _batch(actor, **extra):
    data = {"region": VILLAGE_A, "meeting_kind": "musdes", "meeting_date": date(2026, 2, 20),
            "minutes_number": "BA/04/2026", "minutes_upload": pdf("berita_acara.pdf"), "bnba_upload": png("bnba.png"),
            "note": "Dihadiri ketua RT 01-05 dan RW 01-02"}
    data.update(extra)
    return services.batch_create(actor=actor, **data)


def test_a_village_operator_records_the_meeting_with_both_documents(operator_desa_a, private_root):
    batch = _batch(operator_desa_a)
    assert (batch.region_id, batch.minutes.kind, batch.bnba.kind, batch.created_by) == (
        VILLAGE_A, Document.Kind.MEETING_MINUTES, Document.Kind.BNBA, operator_desa_a)
    assert (private_root / batch.minutes.path).is_file() and (private_root / batch.bnba.path).is_file()
    assert factories.audit_trail(ProposalBatch, id=batch.pk) == [("proposals.batch.created", "operator_desa_a")]


def test_the_minutes_are_required(operator_desa_a):
    with pytest.raises(ApplicationError) as err:
        _batch(operator_desa_a, minutes_upload=None)
    assert err.value.field == "minutes"


def test_a_bad_bnba_file_leaves_neither_file_nor_row(operator_desa_a, private_root):
    with pytest.raises(ApplicationError) as err:
        _batch(operator_desa_a, bnba_upload=pdf("bnba.pdf", EXE_BYTES))
    assert err.value.field == "bnba" and err.value.code == "type"
    assert not ProposalBatch.objects.exists() and not Document.objects.exists()
    assert stored_files(private_root) == []  # the minutes stored first were removed again


def test_another_village_is_refused(operator_desa_a):
    with pytest.raises(ApplicationError) as err:
        _batch(operator_desa_a, region=VILLAGE_B)
    assert err.value.code == "forbidden"


def test_a_meeting_is_held_in_a_village_not_a_district(camat_a):
    with pytest.raises(ApplicationError) as err:
        _batch(camat_a, region=DISTRICT_A)
    assert err.value.field == "region"


def test_a_meeting_in_the_future_is_refused(operator_desa_a):
    with pytest.raises(ApplicationError) as err:
        _batch(operator_desa_a, meeting_date=date.today() + timedelta(days=2))
    assert err.value.field == "meeting_date"
