from django.urls import path

from .views import log, rules

app_name = "workflows"

urlpatterns = [
    path("", rules.rule_list, name="rule_list"),
    path("new/", rules.rule_create, name="rule_create"),
    path("<int:pk>/", rules.rule_detail, name="rule_detail"),
    path("<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    path("<int:pk>/switch/", rules.rule_toggle, name="rule_toggle"),
    path("<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    path("<int:pk>/history/", log.rule_history, name="rule_history"),
    path("<int:pk>/runs/", log.rule_runs, name="rule_runs"),
    path("<int:pk>/test/", log.rule_test, name="rule_test"),
    path("runs/<int:pk>/", log.run_detail, name="run_detail"),
]
