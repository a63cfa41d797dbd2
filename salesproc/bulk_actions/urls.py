from django.urls import path

from . import views

app_name = "bulk_actions"

urlpatterns = [
    path("<slug:record_type>/", views.bulk_start, name="start"),
    path("jobs/<int:pk>/", views.bulk_job, name="job"),
    path("jobs/<int:pk>/progress/", views.bulk_job_progress, name="progress"),
]
