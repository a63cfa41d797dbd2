from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .admin_support import DomainRecordAdmin, ReadOnlyAdmin
from .models import (
    Event,
    LoginFailure,
    Note,
    Notification,
    NotificationPreference,
    SalesRole,
    SavedView,
    Task,
    Team,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Sales", {"fields": ("team", "role")}),)
    list_display = ["username", "first_name", "last_name", "team", "role", "is_active"]
    list_filter = ["team", "role", "is_active"]


@admin.register(SalesRole)
class SalesRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "processes", "is_admin"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail: read in admin, never added, edited or deleted there."""

    list_display = ["name", "content_type", "object_id", "actor", "created_at", "dispatched_at"]
    list_filter = ["name"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "text", "created_at", "read_at"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed log-ins and reset requests; "Unlock" forgets them (salesproc.lockout)."""

    list_display = ["created_at", "kind", "username", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    actions = ["unlock"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_crm_admin or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock the usernames and addresses of the selected rows")
    def unlock(self, request, queryset):
        pairs = set(queryset.values_list("username", "address"))
        for username in {u for u, _ in pairs if u}:
            services.lockout_clear(actor=request.user, username=username)
        for address in {a for _, a in pairs if a}:
            services.lockout_clear(actor=request.user, address=address)
        self.message_user(request, f"Unlocked {len(pairs)} username/address pair(s).")


# The generic features: looked at in admin, written through their services (no delete
# that would skip the events).


@admin.register(Task)
class TaskAdmin(DomainRecordAdmin):
    list_display = ["title", "owner", "due_at", "priority", "done", "record_type", "record_id"]
    list_filter = ["done", "priority", "record_type"]
    raw_id_fields = ["owner", "created_by"]


@admin.register(Note)
class NoteAdmin(DomainRecordAdmin):
    list_display = ["record_type", "record_id", "author", "pinned", "created_at"]
    list_filter = ["record_type", "pinned"]
    readonly_fields = ["body_html", "mentions"]
    raw_id_fields = ["author"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "list_key", "owner", "team"]
    list_filter = ["list_key"]
