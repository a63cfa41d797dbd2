from django.contrib import admin

from .models import AccountTerritory, AssignmentRule, AssignmentRun, Territory, TerritorySettings


class RuleInline(admin.TabularInline):
    model = AssignmentRule
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "rep", "team"]
    inlines = [RuleInline]


@admin.register(AccountTerritory)
class AccountTerritoryAdmin(admin.ModelAdmin):
    list_display = ["account", "territory", "pinned", "assigned_at"]
    list_filter = ["pinned", "territory"]
    raw_id_fields = ["account"]


@admin.register(AssignmentRun)
class AssignmentRunAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "done", "total", "moved", "created_at"]


admin.site.register(TerritorySettings)
