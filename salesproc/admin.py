from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Event, Notification, SalesRole, Team, User


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
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "content_type", "object_id", "actor", "created_at", "dispatched_at"]
    list_filter = ["name"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "text", "created_at", "read_at"]
