"""Django admin for domain records: no delete that would bypass the services.

Deleting an account, a deal or a call through its service records an event (and keeps
what must be kept); Django admin's delete would skip that, so it is switched off for
domain records. Fix-ups by hand stay possible with the change form.
"""

from django.contrib import admin
from django.db import models


class NoDeleteAdminMixin:
    """No delete button, no delete page, no "Delete selected" action."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class DomainRecordAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    # A website typed without a scheme is https, as in the app's own forms.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody edits by hand (the audit trail): view only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
