from django.urls import path

from . import views
from .handoffs import views as handoff_views
from .health import views as health_views
from .plans import views as plan_views
from .portfolio import views as portfolio_views

app_name = "accounts"
urlpatterns = [
    path("companies/", views.account_list, name="account_list"),
    path("companies/new/", views.account_create, name="account_create"),
    path("companies/<int:pk>/", views.account_detail, name="account_detail"),
    path("companies/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("companies/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("mine/", portfolio_views.my_accounts, name="my_accounts"),
    path("portfolio/", portfolio_views.portfolio, name="portfolio"),
    path(
        "companies/<int:pk>/management/",
        portfolio_views.account_management,
        name="account_management",
    ),
    path("companies/<int:pk>/plans/", plan_views.account_plans, name="account_plans"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path(
        "plans/<int:pk>/<str:step>/",
        plan_views.plan_review,
        name="plan_review",
    ),
    path(
        "plans/<int:pk>/add/<str:kind>/",
        plan_views.plan_item_add,
        name="plan_item_add",
    ),
    path(
        "plan-items/<str:kind>/<int:pk>/delete/",
        plan_views.plan_item_delete,
        name="plan_item_delete",
    ),
    path("plan-actions/<int:pk>/done/", plan_views.action_done, name="plan_action_done"),
    path("settings/health/", health_views.health_settings, name="health_settings"),
    path("handoffs/", handoff_views.handoff_list, name="handoff_list"),
    path("handoffs/<int:pk>/", handoff_views.handoff_detail, name="handoff_detail"),
    path("handoffs/<int:pk>/submit/", handoff_views.handoff_submit, name="handoff_submit"),
    path("handoffs/<int:pk>/comment/", handoff_views.handoff_comment, name="handoff_comment"),
    path("handoffs/<int:pk>/accept/", handoff_views.handoff_accept, name="handoff_accept"),
    path("handoffs/<int:pk>/assign/", handoff_views.handoff_assign, name="handoff_assign"),
    path("settings/account-plan/", plan_views.plan_settings_page, name="plan_settings"),
]
