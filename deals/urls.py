from django.urls import include, path

app_name = "deals"
urlpatterns = [
    path("", include("deals.report_urls")),
]
