"""Pages of bulk actions: start one from a list's selection, follow its progress, read its
report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from salesproc.view_support import safe_next_url

from . import services
from .models import BulkJob, BulkJobRow

CONTROL_FIELDS = {"csrfmiddlewaretoken", "action", "ids", "scope", "filter", "next"}


@login_required
@require_POST
def bulk_start(request, record_type):
    back = safe_next_url(request, "/")
    post = request.POST
    params = {k: v for k, v in post.items() if k not in CONTROL_FIELDS}
    selection = {"ids": post.getlist("ids")}
    if post.get("scope") == "all":
        selection = {"filter": QueryDict(post.get("filter", "")).dict()}
    try:
        job = services.bulk_job_start(
            actor=request.user,
            record_type=record_type,
            action=post.get("action", ""),
            params=params,
            return_url=back,
            **selection,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect(job)


def _job_for(request, pk):
    return get_object_or_404(BulkJob.objects.filter(actor=request.user), pk=pk)


@login_required
def bulk_job(request, pk):
    job = _job_for(request, pk)
    context = {"job": job}
    if job.is_finished:
        skipped = job.rows.filter(outcome=BulkJobRow.Outcome.SKIPPED)
        changed = job.rows.filter(outcome=BulkJobRow.Outcome.CHANGED)
        context["skipped"] = Paginator(skipped, 100).get_page(request.GET.get("skipped"))
        context["changed"] = Paginator(changed, 100).get_page(request.GET.get("changed"))
    return render(request, "salesproc/bulk/job.html", context)


@login_required
def bulk_job_progress(request, pk):
    job = _job_for(request, pk)
    response = render(request, "salesproc/bulk/_progress.html", {"job": job})
    if job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"  # the full page shows the report
    return response
