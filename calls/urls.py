from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("all/", views.call_list, name="call_list"),
    path("plan/", views.call_plan, name="call_plan"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/log/", views.call_log, name="call_log"),
    path("<int:pk>/no-show/", views.call_no_show, name="call_no_show"),
    path("<int:pk>/cancel/", views.call_cancel, name="call_cancel"),
    path("<int:pk>/debrief/", views.call_debrief, name="call_debrief"),
    path("<int:pk>/request-review/", views.call_request_review, name="call_request_review"),
    path("<int:pk>/review/", views.call_review, name="call_review"),
    path("<int:pk>/acknowledge/", views.call_acknowledge, name="call_acknowledge"),
    path("<int:pk>/follow-up/", views.call_follow_up, name="call_follow_up"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("coaching/", views.coaching, name="coaching"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("settings/call-types/", views.call_type_list, name="call_type_list"),
    path("settings/call-types/<int:pk>/", views.call_type_edit, name="call_type_edit"),
    path("settings/objections/", views.objection_list, name="objection_list"),
    path("settings/objections/<int:pk>/", views.objection_edit, name="objection_edit"),
]
