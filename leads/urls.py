from django.urls import include, path

from . import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="lead_list"),
    path("new/", views.lead_create, name="lead_create"),
    path("<int:pk>/", views.lead_detail, name="lead_detail"),
    path("<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("<int:pk>/inline/", views.lead_inline_view, name="lead_inline_view"),
    path("<int:pk>/inline/<slug:field>/", views.lead_inline, name="lead_inline"),
    path("<int:pk>/delete/", views.lead_delete, name="lead_delete"),
    path("<int:pk>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("<int:pk>/qualify/preview/", views.lead_qualify_preview, name="lead_qualify_preview"),
    path("<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path(
        "<int:pk>/intake/<int:submission_pk>/accept/",
        views.lead_accept_intake_changes,
        name="lead_accept_intake_changes",
    ),
    path("metrics/", views.metrics, name="metrics"),
    path("criteria/", views.criteria_admin, name="criteria"),
    path("criteria/new/", views.criterion_create, name="criterion_create"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("criteria/<int:pk>/move/<str:direction>/", views.criterion_move, name="criterion_move"),
    path("criteria/thresholds/", views.criteria_thresholds, name="criteria_thresholds"),
    path("criteria/preset/", views.criteria_preset, name="criteria_preset"),
    path("criteria/versions/<int:number>/", views.criteria_version, name="criteria_version"),
    path("criteria/reasons/", views.reason_create, name="reason_create"),
    path("criteria/reasons/<int:pk>/toggle/", views.reason_toggle, name="reason_toggle"),
    path("", include("leads.intake.urls")),
]
