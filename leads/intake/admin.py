from django.contrib import admin

from .models import ImportJob, ImportRowResult, IntakeForm, IntakeSubmission


@admin.register(IntakeForm)
class IntakeFormAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "team", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "source"]
    list_select_related = ["team"]
    raw_id_fields = ["last_owner", "created_by"]


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "form", "state", "outcome", "received_at", "lead"]
    list_filter = ["state", "form"]
    list_select_related = ["form", "lead"]
    raw_id_fields = ["lead"]
    date_hierarchy = "received_at"


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "state", "created_by", "created", "updated", "rejected"]
    list_filter = ["state"]
    search_fields = ["original_name"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by", "owner"]


@admin.register(ImportRowResult)
class ImportRowResultAdmin(admin.ModelAdmin):
    list_display = ["job", "row_number", "outcome", "reason", "lead"]
    list_filter = ["outcome"]
    raw_id_fields = ["job", "lead"]
    list_select_related = ["job", "lead"]
