from django.urls import include, path

app_name = "automation"

urlpatterns = [
    path("workflows/", include("automation.workflows.urls")),
    path("webhooks/", include("automation.webhooks.urls")),
    path("audit/", include("automation.audit.urls")),
    path("emails/", include("automation.emails.urls")),
    path("quotes/", include("automation.quotes.urls")),
    path("reports/", include("automation.reports.urls")),
]
