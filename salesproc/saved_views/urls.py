from django.urls import path

from . import views

app_name = "saved_views"

urlpatterns = [
    path("save/", views.saved_view_save, name="save"),
    path("<int:pk>/default/", views.saved_view_default, name="default"),
    path("<int:pk>/columns/", views.saved_view_columns, name="columns"),
    path("<int:pk>/delete/", views.saved_view_delete, name="delete"),
]
