from django.urls import path

from . import views

app_name = "todo"

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_edit, name="task_edit"),
    path("<int:pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/delete/", views.task_delete, name="task_delete"),
]
