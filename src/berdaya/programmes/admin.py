"""Django admin for superusers: funding sources and partners are plain reference lists edited here; programmes and
budgets are read-only (with their simple-history pages) because every change to them goes through services.py."""

from django.contrib import admin

from berdaya.programmes.models import BudgetCommitment, BudgetLine, FundingSource, Partner, Programme
from berdaya.registry.admin import ReadOnlyHistoryAdmin


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "office", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["office"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyHistoryAdmin):
    list_display = ["programme", "source", "fiscal_year", "allocated", "committed", "disbursed"]
    list_filter = ["fiscal_year"]
    list_select_related = ["programme", "source", "fiscal_year"]


@admin.register(BudgetCommitment)
class BudgetCommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "line", "amount", "disbursed", "released", "created_at"]
    search_fields = ["reference"]
    list_select_related = ["line__programme", "line__source", "line__fiscal_year"]
