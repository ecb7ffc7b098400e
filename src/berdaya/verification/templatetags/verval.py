from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """4011 -> '4.011' (Indonesian grouping), as counts are shown on the funnel."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "–"
