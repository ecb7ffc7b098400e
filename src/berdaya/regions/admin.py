from django.contrib import admin

from berdaya.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Read-only: the list is loaded from the shipped Kemendagri data (`berdaya regions load`)."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # A code is searched as a prefix (uses the primary key index), a name as a fragment.
        term = search_term.strip()
        if term and term.replace(".", "").isdigit():
            return queryset.filter(code__startswith=term), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
