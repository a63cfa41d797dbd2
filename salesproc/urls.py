"""Root URLs: the one place that mounts every app (DESIGN.md, dependency direction)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

import accounts.api
import automation.api
import calls.api
import deals.api
import leads.api
import opportunities.api
import territories.api

from . import api as core_api
from . import auth_views as crm_auth_views
from . import event_views, views
from .forms import CrmAdminAuthenticationForm
from .notes import api as notes_api
from .notifications import api as notifications_api
from .notifications import views as notification_views
from .pickers import views as picker_views
from .quick_create import views as quick_create_views
from .saved_views import api as saved_views_api
from .search import api as search_api
from .search import views as search_views
from .todo import api as todo_api

# The Django admin's own login counts failures and says when it is locked too.
admin.site.login_form = CrmAdminAuthenticationForm

router = DefaultRouter()
for module in (
    core_api,
    todo_api,
    notes_api,
    notifications_api,
    saved_views_api,
    accounts.api,
    deals.api,
    opportunities.api,
    leads.api,
    calls.api,
    territories.api,
    automation.api,
):
    module.register(router)

api_urls = [
    path("auth/token/", core_api.obtain_token, name="api_token"),
    path("recycle-bin/", core_api.recycle_bin_list, name="api_recycle_bin"),
    path("search/", search_api.search, name="api_search"),
    path("recycle-bin/restore/", core_api.recycle_bin_restore, name="api_recycle_bin_restore"),
    path("events/catalogue/", core_api.event_catalogue, name="api_event_catalogue"),
    *getattr(accounts.api, "extra_urls", []),
    *getattr(leads.api, "extra_urls", []),
    *getattr(deals.api, "extra_urls", []),
    *getattr(calls.api, "extra_urls", []),
    *getattr(automation.api, "extra_urls", []),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", crm_auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", crm_auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        crm_auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("search/", search_views.search_page, name="search"),
    path("create/", quick_create_views.quick_create, name="quick_create"),
    path("pickers/<str:key>/", picker_views.picker_options, name="picker_options"),
    path("search/dropdown/", search_views.search_dropdown, name="search_dropdown"),
    path("notifications/", views.notification_list, name="notifications"),
    path("recycle-bin/", views.recycle_bin, name="recycle_bin"),
    path("recycle-bin/restore/", views.recycle_bin_restore, name="recycle_bin_restore"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("tasks/", include("salesproc.todo.urls")),
    path("notes/", include("salesproc.notes.urls")),
    path("views/", include("salesproc.saved_views.urls")),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/roles/", views.role_list, name="role_list"),
    path("settings/roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("settings/teams/", views.team_list, name="team_list"),
    path("settings/lockouts/", views.lockout_list, name="lockout_list"),
    path("settings/lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("settings/teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("settings/users/new/", views.user_create, name="user_create"),
    path("settings/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("settings/users/<int:pk>/assign/", views.user_assign, name="user_assign"),
    path("settings/events/", event_views.event_delivery_list, name="event_deliveries"),
    path("settings/events/catalogue/", event_views.event_catalogue, name="event_catalogue"),
    path(
        "settings/events/<int:pk>/retry/",
        event_views.event_delivery_retry,
        name="event_delivery_retry",
    ),
    path("settings/users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("settings/users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("settings/handovers/<int:pk>/", views.handover_progress, name="handover_progress"),
    path("bulk/", include("salesproc.bulk_actions.urls")),
    path("accounts/", include("accounts.urls")),
    path("deals/", include("deals.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("leads/", include("leads.urls")),
    path("calls/", include("calls.urls")),
    path("territories/", include("territories.urls")),
    path("automation/", include("automation.urls")),
    path("api/v1/", include(api_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path("django-admin/", admin.site.urls),
]
