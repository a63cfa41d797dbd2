"""Helpers for HTML views: process and role guards, safe redirects."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .processes import PROCESS_LABELS


def safe_next_url(request, default):
    """The `next` a form or link carries, only when it is a path on this site.

    Every view that honours `next` reads it through here, so none can redirect off-site.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and candidate.startswith("/")
        and not candidate.startswith("//")
    ):
        return candidate
    return default


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
    """View decorator: a manager's page (coaching, quotas...) tells anyone else it is a
    manager's, rather than answering a bare 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_manager or request.user.is_crm_admin):
            return render(
                request, "salesproc/for_managers.html", {"role": request.user.role}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper
