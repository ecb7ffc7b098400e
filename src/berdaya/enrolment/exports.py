"""A list's rows as a spreadsheet, through the project's shared writer (registry.exports.write_export: openpyxl
write-only). The KK number is masked where the user may not see identities; rows are those the user may see."""

from __future__ import annotations

from django.utils import timezone

from berdaya.core.identity import mask_number
from berdaya.enrolment import selectors
from berdaya.enrolment.models import EnrolmentList

CHUNK = 2000


class EnrolmentListExport:
    name = "penetapan"
    headers = ["PERINGKAT", "NOMOR_SK", "NO_KK", "KEPALA_KELUARGA", "DESA", "KODE_DESA", "SKOR_PRIORITAS",
               "SKOR_KESEJAHTERAAN", "NILAI_RP", "STATUS", "MASUK_ANGGARAN", "ALASAN_MENUNGGU", "DIALIHKAN_DARI"]
    text_headers = ("NO_KK", "KODE_DESA")

    def __init__(self, *, user, enrolment_list: EnrolmentList):
        self.user, self.list = user, enrolment_list
        self.row_count = 0
        self._identity: dict[str, bool] = {}

    def filename(self, fmt: str) -> str:
        return (f"{self.name}-{self.list.programme.code.lower()}-{self.list.fiscal_year.year}-{self.list.pk}-"
                f"{timezone.localdate():%Y%m%d}.{fmt}")

    def _kk(self, household) -> str:
        village = household.village_id
        if village not in self._identity:
            self._identity[village] = selectors.can_see_identity(self.user, village)
        return household.kk_number if self._identity[village] else mask_number(household.kk_number)

    def rows(self, progress=None):
        qs = selectors.with_related(selectors.list_rows(user=self.user, enrolment_list=self.list))
        for e in qs.iterator(chunk_size=CHUNK):
            self.row_count += 1
            household = e.household
            yield [e.rank, e.number, self._kk(household), household.head_name, household.village.name,
                   e.village_code, round(e.priority_score, 2) if e.priority_score is not None else None,
                   round(e.welfare_score, 2) if e.welfare_score is not None else None, e.amount,
                   str(e.get_status_display()), "" if e.fits is None else ("Ya" if e.fits else "Tidak"),
                   str(e.get_wait_reason_display()) if e.wait_reason else "",
                   e.carried_over_from.fiscal_year.year if e.carried_over_from_id else None]
