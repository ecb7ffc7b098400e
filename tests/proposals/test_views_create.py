"""proposals:create — choose a programme, find households of the user's region, fill the letter, file. Works
without JavaScript (search/add/remove post the form back); htmx fetches only the results or the new row."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.core.models import Document
from berdaya.proposals.forms import fiscal_year_choices
from berdaya.proposals.models import Proposal, ProposalItem
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.proposals.conftest import EXE_BYTES, file_proposal, item, login, pdf, png, stored_files

URL = reverse("proposals:create")
THIS_YEAR = fiscal_year_choices()[0][0]


def _letter(programme, households, *, letter=None, **extra) -> dict:
    data = {"programme": programme.pk, "region": VILLAGE_A, "fiscal_year": THIS_YEAR,
            "proposer_kind": "village_head", "proposer_name": "Sumarno", "letter_number": "140/12/2026",
            "letter_date": "2026-03-02", "household": [h.pk for h in households], "file": "1"}
    for h in households:
        data[f"request-{h.pk}"] = "Membuka warung kopi"
    if letter is not None:
        data["letter"] = letter
    data.update(extra)
    return data


def test_the_first_step_lists_the_programmes_of_the_regency(client, operator_desa_a, uep, atensi):
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert "UEP" in page and "ATENSI" in page and 'name="programme"' in page


def test_a_village_operator_files_a_letter_with_its_scan(client, operator_desa_a, uep, household_a, household_a2,
                                                         private_root):
    data = _letter(uep, [household_a, household_a2], letter=pdf(), **{f"kit-{household_a.pk}": "warung_kopi",
                                                                       f"business-{household_a.pk}": "0"})
    response = login(client, operator_desa_a).post(URL, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert (proposal.region_id, proposal.fiscal_year, proposal.letter.original_name) == (
        VILLAGE_A, THIS_YEAR, "surat_usulan.pdf")
    first = proposal.items.get(household=household_a)
    assert (first.business_type, first.has_business) == ("warung_kopi", False)
    assert proposal.items.count() == 2
    assert len(stored_files(private_root)) == 1


def test_a_photo_of_the_letter_is_accepted(client, operator_desa_a, uep, household_a):
    response = login(client, operator_desa_a).post(URL, _letter(uep, [household_a], letter=png()))
    assert response.status_code == 302
    assert Proposal.objects.get().letter.content_type == "image/png"


@pytest.mark.parametrize(("name", "content"), [
    ("surat.pdf", EXE_BYTES),  # a program renamed .pdf
    ("surat.pdf", b"Surat usulan bantuan, diketik di Notepad\n"),  # a text file
    ("surat.exe", EXE_BYTES),
])
def test_a_file_of_the_wrong_type_is_refused_on_the_form_and_nothing_written(client, operator_desa_a, uep,
                                                                             household_a, private_root, name,
                                                                             content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = login(client, operator_desa_a).post(URL, _letter(uep, [household_a], letter=upload))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Jenis file tidak diterima: unggah PDF, JPG, PNG, WEBP." in page
    assert "Membuka warung kopi" in page  # the households typed in are still on the form
    assert not Proposal.objects.exists() and not ProposalItem.objects.exists() and not Document.objects.exists()
    assert stored_files(private_root) == []


def test_an_oversized_letter_is_refused_on_the_form_and_nothing_written(client, operator_desa_a, uep, household_a,
                                                                        private_root, settings):
    settings.BERDAYA_DOCUMENT_MAX_MB = 1
    big = pdf("besar.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = login(client, operator_desa_a).post(URL, _letter(uep, [household_a], letter=big))
    assert response.status_code == 400
    assert "File terlalu besar: paling besar 1 MB." in response.content.decode()
    assert not Proposal.objects.exists() and not Document.objects.exists()
    assert stored_files(private_root) == []


def test_a_refused_household_is_named_on_the_form_and_no_file_is_kept(client, camat_a, uep, staff_blora,
                                                                      private_root):
    from tests.conftest import VILLAGE_A2

    elsewhere = factories.household(actor=staff_blora, village=VILLAGE_A2, head_name="Karto Wiyono")
    response = login(client, camat_a).post(URL, _letter(uep, [elsewhere], letter=pdf(), proposer_kind="camat"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Baris 1 (Karto Wiyono): keluarga ini tidak tinggal di wilayah pengusul." in page
    assert 'class="row-error"' in page
    assert stored_files(private_root) == [] and not Document.objects.exists() and not Proposal.objects.exists()


def test_missing_letter_fields_are_shown_and_nothing_filed(client, operator_desa_a, uep, household_a):
    response = login(client, operator_desa_a).post(URL, _letter(uep, [household_a], letter_number=""))
    assert response.status_code == 400 and not Proposal.objects.exists()


def test_without_households_the_letter_is_refused(client, operator_desa_a, uep):
    response = login(client, operator_desa_a).post(URL, _letter(uep, []))
    assert response.status_code == 400
    assert "Tambahkan paling sedikit satu keluarga." in response.content.decode()


def test_an_already_proposed_household_is_filed_with_a_note_on_its_page(client, operator_desa_a, uep, household_a):
    earlier = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    client = login(client, operator_desa_a)
    response = client.post(URL, _letter(uep, [household_a]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Sudah diusulkan dalam {earlier.number} (Diajukan)." in page


# --- without JavaScript: search, add, remove post the form back ----------------------------------------------------

def test_search_add_and_remove_without_javascript(client, operator_desa_a, uep, household_a, household_a2,
                                                  household_b):
    client = login(client, operator_desa_a)
    base = {"programme": uep.pk, "letter_number": "140/12/2026"}
    page = client.post(URL, {**base, "q": household_a.kk_number, "search": "1"}).content.decode()
    assert f'name="add" value="{household_a.pk}"' in page
    page = client.post(URL, {**base, "q": household_b.kk_number, "search": "1"}).content.decode()
    assert f'value="{household_b.pk}"' not in page  # another village's household is not offered
    assert "Tidak ada keluarga aktif yang cocok" in page
    page = client.post(URL, {**base, "add": str(household_a.pk)}).content.decode()
    assert f'name="household" value="{household_a.pk}"' in page
    assert 'value="140/12/2026"' in page  # what was typed in the letter stays
    rows = {**base, "household": [household_a.pk, household_a2.pk], f"request-{household_a.pk}": "Warung kopi"}
    page = client.post(URL, {**rows, "remove": str(household_a2.pk)}).content.decode()
    assert f'name="household" value="{household_a.pk}"' in page
    assert f'name="household" value="{household_a2.pk}"' not in page
    assert 'value="Warung kopi"' in page
    assert not Proposal.objects.exists()


def test_a_household_of_another_village_cannot_be_slipped_into_the_form(client, operator_desa_a, uep, household_b):
    page = login(client, operator_desa_a).post(URL, {"programme": uep.pk, "add": str(household_b.pk)})
    assert f'name="household" value="{household_b.pk}"' not in page.content.decode()


# --- htmx fragments --------------------------------------------------------------------------------------------------

def test_the_search_fragment_finds_by_kk_nik_or_name_inside_the_filing_scope(client, operator_desa_a, uep,
                                                                              household_a, household_b):
    client = login(client, operator_desa_a)
    search = reverse("proposals:household_search")
    nik = household_a.members.get().nik
    for q in (household_a.kk_number, nik, "sutrisno"):
        page = client.get(search, {"programme": uep.pk, "q": q}, HTTP_HX_REQUEST="true").content.decode()
        assert f'data-add-household="{household_a.pk}"' in page and "<html" not in page
        assert f'data-add-household="{household_b.pk}"' not in page
    page = client.get(search, {"programme": uep.pk, "q": "sutrisno", "household": household_a.pk}).content.decode()
    assert "sudah ditambahkan" in page


def test_the_row_fragment_offers_the_kits_and_for_persons_the_members(client, operator_desa_a, uep, atensi,
                                                                       household_a, household_b):
    client = login(client, operator_desa_a)
    row = reverse("proposals:item_row")
    page = client.get(row, {"programme": uep.pk, "household": household_a.pk}).content.decode()
    assert 'value="warung_kopi"' in page and f'name="request-{household_a.pk}"' in page
    assert "row-error" not in page
    assert f'name="person-{household_a.pk}"' not in page
    page = client.get(row, {"programme": atensi.pk, "household": household_a.pk}).content.decode()
    assert f'name="person-{household_a.pk}"' in page and "Sutrisno" in page
    assert client.get(row, {"programme": uep.pk, "household": household_b.pk}).status_code == 404


def test_a_person_programme_is_filed_with_the_chosen_member(client, operator_desa_a, atensi, household_a):
    head = household_a.members.get()
    response = login(client, operator_desa_a).post(URL, _letter(atensi, [household_a],
                                                                **{f"person-{household_a.pk}": str(head.pk)}))
    assert response.status_code == 302
    assert Proposal.objects.get().items.get().person == head


# --- who may file ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "verifier_kecamatan_b"])
def test_those_who_only_view_proposals_may_not_file(client, request, persona, uep):
    client = login(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("proposals:household_search"), {"programme": uep.pk, "q": "abc"}).status_code == 403


def test_users_without_proposal_permission_are_refused(client, mentor_a):
    assert login(client, mentor_a).get(URL).status_code == 403


def test_a_programme_of_another_regency_is_not_offered(client, staff_pasuruan, operator_desa_a, uep):
    assert login(client, staff_pasuruan).get(URL, {"programme": uep.pk}).status_code == 404


def test_the_operator_cannot_file_for_another_village(client, operator_desa_a, uep, household_b):
    response = login(client, operator_desa_a).post(URL, _letter(uep, [household_b], region=VILLAGE_B))
    assert response.status_code == 400 and not Proposal.objects.exists()


def test_the_letter_date_is_read_as_typed(client, operator_desa_a, uep, household_a):
    login(client, operator_desa_a).post(URL, _letter(uep, [household_a], letter_date="02/03/2026"))
    assert Proposal.objects.get().letter_date == date(2026, 3, 2)


def test_a_camat_files_for_the_district(client, camat_a, uep, staff_blora):
    from tests.conftest import DISTRICT_A, VILLAGE_A2

    there = factories.household(actor=staff_blora, village=VILLAGE_A2)
    response = login(client, camat_a).post(URL, _letter(uep, [there], region=DISTRICT_A, proposer_kind="camat"))
    assert response.status_code == 302
    assert Proposal.objects.get().region_id == DISTRICT_A
