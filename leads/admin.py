from django.contrib import admin

from salesproc.admin_support import DomainRecordAdmin

from .intake import admin as intake_admin  # noqa: F401  (intake forms and imports)
from .models import CriteriaVersion, Criterion, DisqualificationReason, Lead, Qualification


@admin.register(Lead)
class LeadAdmin(DomainRecordAdmin):
    list_display = ["last_name", "first_name", "company_name", "status", "score", "source", "owner"]
    list_filter = ["status", "source"]
    search_fields = ["last_name", "first_name", "email", "company_name"]
    list_select_related = ["owner"]
    readonly_fields = [
        "status",
        "score",
        "qualified_at",
        "disqualified_at",
        "disqualification_reason",
        "converted_account",
        "converted_contact",
        "converted_deal",
        "converted_at",
    ]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """Read-only here: edit criteria on the settings page so each change is versioned."""

    list_display = ["order", "label", "answer_type", "weight", "must_have"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "note", "qualify_at", "disqualify_below", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisqualificationReason)
class DisqualificationReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(Qualification)
class QualificationAdmin(DomainRecordAdmin):
    list_display = ["lead", "score", "verdict", "decision", "by", "decided_at"]
    list_filter = ["decision", "verdict"]
    list_select_related = ["lead", "by"]
    raw_id_fields = ["lead"]
