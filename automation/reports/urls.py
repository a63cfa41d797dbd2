from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("subscriptions/<int:pk>/", views.subscription_edit, name="subscription_edit"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("export/<str:key>/", views.export, name="export"),
]
