from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_list, name="territory_list"),
    path("new/", views.territory_create, name="territory_create"),
    path("settings/", views.territory_settings, name="settings"),
    path("<int:pk>/", views.territory_detail, name="territory_detail"),
    path("<int:pk>/edit/", views.territory_edit, name="territory_edit"),
    path("<int:pk>/delete/", views.territory_delete, name="territory_delete"),
    path("<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/pin/", views.account_pin, name="account_pin"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("patterns/", views.pattern_plan, name="pattern_plan"),
    path("patterns/<int:pk>/", views.pattern_detail, name="pattern_detail"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("balance/", views.territory_balance, name="balance"),
    path("tiers/", views.tier_policies, name="tier_policies"),
    path("potential-model/", views.potential_bands, name="potential_bands"),
    path("accounts/<int:pk>/potential/", views.potential_override, name="potential_override"),
    path("accounts/<int:pk>/unpin/", views.account_unpin, name="account_unpin"),
]
