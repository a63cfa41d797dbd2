from django.urls import path

from . import views

app_name = "emails"

urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("new/", views.template_new, name="template_new"),
    path("<int:pk>/", views.template_edit, name="template_edit"),
    path("<int:pk>/copied/", views.template_copied, name="template_copied"),
    path("compose/", views.compose, name="compose"),
]
