from django.contrib import admin

from salesproc.admin_support import DomainRecordAdmin

from .models import BankQuestion, Call, CallObjection, CallQuestion, CallType, Objection


class BankQuestionInline(admin.TabularInline):
    model = BankQuestion
    extra = 1
    fields = ["order", "text"]


@admin.register(CallType)
class CallTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "default_duration_minutes", "order", "is_active"]
    list_filter = ["is_active"]
    inlines = [BankQuestionInline]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["text", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["text", "suggested_response"]


class CallQuestionInline(admin.TabularInline):
    model = CallQuestion
    extra = 0
    can_delete = False
    fields = ["order", "text", "asked", "answer", "unasked_reason"]


class CallObjectionInline(admin.TabularInline):
    model = CallObjection
    extra = 0
    can_delete = False
    fields = [
        "order",
        "text",
        "planned",
        "planned_response",
        "encountered",
        "response_given",
        "handled_well",
    ]


@admin.register(Call)
class CallAdmin(DomainRecordAdmin):
    """For support and audits; reps and managers work with calls in the app's pages."""

    list_display = ["purpose", "owner", "scheduled_at", "status", "call_type", "reviewer"]
    list_filter = ["status", "channel", "call_type"]
    search_fields = ["purpose", "owner__username", "contact__last_name", "account__name"]
    date_hierarchy = "scheduled_at"
    list_select_related = ["owner", "call_type", "reviewer"]
    raw_id_fields = [
        "owner",
        "contact",
        "account",
        "deal",
        "lead",
        "follow_up_of",
        "rescheduled_from",
        "reviewer",
    ]
    inlines = [CallQuestionInline, CallObjectionInline]
