"""The ranked candidate list of a programme as rows, for the page and for xlsx (registry.exports.write_export, the
shared writer: openpyxl write-only). Households come ranked by selectors.candidates; those the year's remaining
budget can pay for (in rank order) are marked "within budget"."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm
from berdaya.programmes.models import TargetUnit
from berdaya.targeting import selectors
from berdaya.targeting.models import DesilSource

CHUNK = 2000


class CandidateExport:
    name = "calon-penerima"
    headers = ["PERINGKAT", "NO_KK", "KEPALA_KELUARGA", "DESA", "KODE_DESA", "ANGGOTA", "DESIL", "SUMBER_DESIL",
               "SKOR_PRIORITAS", "SKOR_KESEJAHTERAAN", "KERENTANAN", "DALAM_ANGGARAN"]
    text_headers = ("NO_KK", "KODE_DESA")

    def __init__(self, *, user, programme, rule, region=None, year: int):
        self.user, self.programme, self.rule, self.region, self.year = user, programme, rule, region, year
        self.row_count = 0
        self._identity: dict[str, bool] = {}
        counts = self.queryset().order_by().aggregate(persons=Sum("member_count"))
        households = self.queryset().order_by().count()
        self.budget = selectors.budget_for(programme=programme, year=year, households=households,
                                           persons=counts["persons"] or 0)
        self.per_person = self.budget.unit == TargetUnit.PERSON

    def queryset(self):
        return selectors.candidates(user=self.user, rule=self.rule, region=self.region,
                                    priority=selectors.priority_rule(self.programme))

    def filename(self, fmt: str) -> str:
        return f"{self.name}-{self.programme.code.lower()}-{self.year}-{timezone.localdate():%Y%m%d}.{fmt}"

    def _kk(self, household) -> str:
        village = household.village_id
        if village not in self._identity:
            self._identity[village] = has_perm(self.user, Perm.REGISTRY_VIEW_IDENTITY, village)
        return household.kk_number if self._identity[village] else mask_number(household.kk_number)

    def units_before(self, offset: int) -> int:
        """Budget units (households or persons) taken by the `offset` households ranked before a page."""
        if not self.per_person:
            return offset
        ids = list(self.queryset().values_list("pk", flat=True)[:offset])
        from berdaya.registry.models import Household

        return Household.objects.filter(pk__in=ids).aggregate(n=Sum("member_count"))["n"] or 0

    def within(self, used: int) -> bool | None:
        fundable = self.budget.fundable_units
        return None if fundable is None else used <= fundable

    def row_view(self, household, rank: int, used: int) -> dict:
        score = getattr(household, "score", None)
        return {
            "rank": rank, "household": household, "kk": self._kk(household), "score": score,
            "desil": household.desil_value,
            "official": household.official_desil is not None,
            "within": self.within(used),
        }

    def rows(self, progress=None):
        used = 0
        for rank, household in enumerate(self.queryset().iterator(chunk_size=CHUNK), start=1):
            used += household.member_count if self.per_person else 1
            view = self.row_view(household, rank, used)
            score = view["score"]
            within = view["within"]
            self.row_count += 1
            yield [rank, view["kk"], household.head_name, household.village.name, household.village_id,
                   household.member_count, view["desil"],
                   str(DesilSource.OFFICIAL.label if view["official"] else DesilSource.COMPUTED.label)
                   if view["desil"] is not None else "",
                   round(score.priority_score, 2) if score else None, round(score.welfare_score, 2) if score else None,
                   ", ".join(str(label) for label in household.vulnerability_labels),
                   "" if within is None else ("Ya" if within else "Tidak")]
