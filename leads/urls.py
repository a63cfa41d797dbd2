from django.urls import include, path

app_name = "leads"
urlpatterns = [
    path("", include("leads.intake_urls")),
]
