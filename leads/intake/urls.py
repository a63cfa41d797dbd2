from django.urls import path

from . import views

urlpatterns = [
    path("intake/", views.intake_form_list, name="intake_form_list"),
    path("intake/new/", views.intake_form_create, name="intake_form_create"),
    path("intake/<int:pk>/", views.intake_form_detail, name="intake_form_detail"),
    path("intake/<int:pk>/edit/", views.intake_form_edit, name="intake_form_edit"),
    path(
        "intake/<int:pk>/new-key/",
        views.intake_form_regenerate_key,
        name="intake_form_regenerate_key",
    ),
    path(
        "intake/submissions/<int:pk>/retry/",
        views.intake_submission_retry,
        name="intake_submission_retry",
    ),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/map/", views.import_map, name="import_map"),
    path("imports/<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/report.csv", views.import_report_csv, name="import_report_csv"),
    path("imports/<int:pk>/delete/", views.import_delete, name="import_delete"),
]
