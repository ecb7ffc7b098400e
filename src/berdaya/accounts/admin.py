"""Django admin for superusers only (the product's own pages are the main UI). Role assignments edited here are
audited by simple-history's middleware (the request user becomes the history user)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from berdaya.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "region", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    autocomplete_fields = ["region"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "organisation", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "role_assignments__role", "language"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Berdaya"), {"fields": ["language", "phone", "organisation"]}),
    ]
