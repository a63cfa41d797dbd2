from django.contrib import admin

from salesproc.admin_support import DomainRecordAdmin

from .models import Deal, LineItem, LostReason, Pipeline, Product, Stage, StageChange


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = [
        "name",
        "order",
        "kind",
        "probability",
        "stalled_after_days",
        "default_forecast_category",
        "exit_criteria",
    ]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "is_active", "order"]
    inlines = [StageInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit_price", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0
    can_delete = False
    raw_id_fields = ["product"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["from_stage", "to_stage", "changed_by", "changed_at", "exit_criteria_confirmed"]
    readonly_fields = fields
    can_delete = False


@admin.register(Deal)
class DealAdmin(DomainRecordAdmin):
    list_display = ["name", "account", "owner", "stage", "status", "amount", "expected_close_date"]
    list_filter = ["status", "pipeline", "forecast_category", "deal_type"]
    search_fields = ["name", "account__name"]
    list_select_related = ["account", "owner", "stage"]
    raw_id_fields = ["account", "primary_contact", "owner", "contacts"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [LineItemInline, StageChangeInline]
