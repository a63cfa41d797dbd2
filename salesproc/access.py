"""Access helpers shared by every app's views and API."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .processes import PROCESS_LABELS


def get_visible_or_404(queryset, user, pk, *, for_write=False):
    """The one fetch-and-check: missing and not-yours give the same 404."""
    qs = queryset.visible_to(user)
    if for_write:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")


def process_required(process):
    """View decorator: a page of a process the user's role does not run says so."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.runs(process):
                return render(
                    request,
                    "salesproc/not_in_role.html",
                    {
                        "process_label": PROCESS_LABELS[process],
                        "role": request.user.role,
                    },
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_crm_admin:
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_manager or request.user.is_crm_admin):
            raise Http404("Page not found")
        return view(request, *args, **kwargs)

    return wrapper


class RunsProcess(BasePermission):
    """DRF permission: set `process = "deals"` on the view."""

    def has_permission(self, request, view):
        process = getattr(view, "process", None)
        if process is None or not request.user.is_authenticated:
            return True
        if not request.user.runs(process):
            raise PermissionDenied(
                f"{PROCESS_LABELS[process]} is not one of the processes your role runs."
            )
        return True


class IsCrmAdminOrReadOnly(BasePermission):
    message = "Only an admin can change this configuration."

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(request.user.is_authenticated and request.user.is_crm_admin)
