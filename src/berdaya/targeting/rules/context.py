"""What a rule's meaning depends on besides the data: the day ages are counted on, and the extreme-poverty line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

DAYS_PER_MONTH = 365 / 12


def extreme_poverty_line_per_month() -> float:
    """Rupiah per person per month below which a household counts as extremely poor.

    USD PPP per person per day (BERDAYA_EXTREME_POVERTY_USD_CENTS, default 215 = USD 2.15, BPS 2025) times the
    Rupiah per USD PPP (BERDAYA_PPP_IDR_PER_USD), times 365/12 days. See docs/targeting.md.
    """
    cents = getattr(settings, "BERDAYA_EXTREME_POVERTY_USD_CENTS", 215)
    idr_per_usd = getattr(settings, "BERDAYA_PPP_IDR_PER_USD", 5980)
    return cents / 100 * idr_per_usd * DAYS_PER_MONTH


@dataclass(frozen=True)
class RuleContext:
    today: date
    extreme_line: float  # Rupiah per person per month

    @classmethod
    def default(cls, today: date | None = None) -> RuleContext:
        return cls(today=today or timezone.localdate(), extreme_line=extreme_poverty_line_per_month())
