from berdaya.regions.models import Region


def region_children(*, parent_code: str | None) -> list[Region]:
    qs = Region.objects.filter(parent_id=parent_code) if parent_code else Region.objects.filter(level=1)
    return list(qs.order_by("name").only("code", "name", "level"))
