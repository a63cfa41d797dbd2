from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("<int:pk>/", views.week, name="week"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("log/", views.quick_entry, name="quick_entry"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
]
