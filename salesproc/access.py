"""Fetch-and-check for domain code: missing and not-yours are the same 404.

Domain modules (models, services, selectors) import this; view decorators live in
`salesproc.view_support` and DRF permissions in `salesproc.api_support`.
"""

from django.http import Http404


def get_visible_or_404(queryset, user, pk, *, for_write=False):
    """The one fetch-and-check: missing and not-yours give the same 404.

    for_write locks the record's own row only (PostgreSQL refuses FOR UPDATE on the
    nullable side of the outer joins a select_related brings), inside the caller's
    transaction.
    """
    qs = queryset.visible_to(user)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")
