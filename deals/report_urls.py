"""Pages of deal reporting, included by deals/urls.py (namespace "deals")."""

from django.urls import path

from . import report_views

urlpatterns = [
    path("month-plan/", report_views.month_plan, name="month_plan"),
    path("forecast/", report_views.forecast, name="forecast"),
    path(
        "forecast/deals/<int:pk>/category/",
        report_views.forecast_category,
        name="forecast_category",
    ),
    path("dashboard/", report_views.pipeline_dashboard, name="pipeline_dashboard"),
    path("stalled/", report_views.stalled_deals, name="stalled_deals"),
    path("quotas/", report_views.quota_admin, name="quota_admin"),
]
