from django.urls import path

from . import views

app_name = "notes"

urlpatterns = [
    path("add/", views.note_add, name="note_add"),
    path("<int:pk>/", views.note_edit, name="note_edit"),
    path("<int:pk>/pin/", views.note_pin, name="note_pin"),
    path("<int:pk>/delete/", views.note_delete, name="note_delete"),
]
