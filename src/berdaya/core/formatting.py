"""Money is whole Rupiah; shown as 'Rp 2.500.000'. Dates shown '24 Nov 2026' or '24/11/2026'."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONTHS_SHORT = [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("Mei"), _("Jun"), _("Jul"), _("Agu"), _("Sep"),
                _("Okt"), _("Nov"), _("Des")]


def rupiah(amount) -> str:
    if amount is None or amount == "":
        return "–"
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def date_long(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year} {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year}"
    return str(value)


def date_short(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")
