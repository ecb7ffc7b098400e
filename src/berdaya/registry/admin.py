"""Django admin for superusers: read-only views of the registry with simple-history's history pages.
Every change goes through registry/services.py (validation, flags, derived columns), never through this admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from berdaya.registry.models import Household, Person, ReviewFlag


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyHistoryAdmin):
    list_display = ["kk_number", "head_name", "village", "status", "member_count", "open_flag_count"]
    list_filter = ["status"]
    search_fields = ["=kk_number", "head_name"]
    list_select_related = ["village"]


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "nik", "household", "relationship", "status"]
    list_filter = ["status", "sex"]
    search_fields = ["=nik", "name"]
    list_select_related = ["household"]


@admin.register(ReviewFlag)
class ReviewFlagAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "household", "person", "created_at", "resolved_at"]
    list_filter = ["code"]
    search_fields = ["=household__kk_number", "message"]
    list_select_related = ["household", "person"]
