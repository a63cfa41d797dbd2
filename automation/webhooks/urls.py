from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:pk>/", views.webhook_detail, name="detail"),
    path("<int:pk>/rotate-secret/", views.webhook_rotate, name="rotate"),
    path("<int:pk>/ping/", views.webhook_ping, name="ping"),
    path("<int:pk>/delete/", views.webhook_delete, name="delete"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
