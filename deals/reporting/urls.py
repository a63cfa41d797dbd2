"""Pages of deal reporting, included by deals/urls.py (namespace "deals")."""

from django.urls import path

from . import views

urlpatterns = [
    path("month-plan/", views.month_plan, name="month_plan"),
    path("forecast/", views.forecast, name="forecast"),
    path(
        "forecast/deals/<int:pk>/category/",
        views.forecast_category,
        name="forecast_category",
    ),
    path("dashboard/", views.pipeline_dashboard, name="pipeline_dashboard"),
    path("stalled/", views.stalled_deals, name="stalled_deals"),
    path("quotas/", views.quota_admin, name="quota_admin"),
]
