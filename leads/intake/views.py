"""Pages of intake forms (admin) and of the CSV import wizard (anyone who qualifies leads)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from leads import imports
from salesproc.access import get_visible_or_404
from salesproc.csvfile import csv_download, safe_filename
from salesproc.processes import LEADS
from salesproc.view_support import admin_required, process_required, safe_next_url
from salesproc.views import apply_errors

from . import services as intake
from .forms import ImportMappingForm, ImportUploadForm, IntakeFormForm
from .models import (
    HONEYPOT_FIELD,
    INTAKE_LEAD_FIELDS,
    ImportJob,
    ImportRowResult,
    IntakeForm,
    IntakeSubmission,
)

PAGE_SIZE = 25
STEPS = ["Upload", "Map columns", "Preview", "Import", "Report"]


# -- intake forms (admin) --------------------------------------------------------------


def _recent_submissions(qs):
    return qs.select_related("form", "lead").order_by("-received_at", "-id")


@login_required
@admin_required
def intake_form_list(request):
    since = timezone.now() - timedelta(days=30)
    recent = Q(submissions__received_at__gte=since)
    forms = IntakeForm.objects.select_related("team", "last_owner").annotate(
        received_30d=Count("submissions", filter=recent),
        processed_30d=Count("submissions", filter=recent & Q(submissions__state="processed")),
        failed_30d=Count("submissions", filter=recent & Q(submissions__state="failed")),
        dropped_30d=Count("submissions", filter=recent & Q(submissions__state="dropped")),
    )
    state = request.GET.get("state", "")
    submissions = IntakeSubmission.objects.all()
    if state in IntakeSubmission.State.values:
        submissions = submissions.filter(state=state)
    page = Paginator(_recent_submissions(submissions), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "leads/intake/form_list.html",
        {
            "forms": forms,
            "page": page,
            "states": IntakeSubmission.State.choices,
            "state": state,
        },
    )


def _form_data(form):
    return dict(form.cleaned_data)


@login_required
@admin_required
def intake_form_create(request):
    form = IntakeFormForm(
        request.POST or None,
        initial={"allowed_fields": intake.DEFAULT_ALLOWED_FIELDS, "source": "Web form"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = intake.intake_form_create(actor=request.user, data=_form_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Intake form “{created.name}” created. Paste the snippet into your website.",
            )
            return redirect(created)
    return render(request, "leads/intake/form_edit.html", {"form": form})


@login_required
@admin_required
def intake_form_edit(request, pk):
    intake_form = get_object_or_404(IntakeForm, pk=pk)
    form = IntakeFormForm(request.POST or None, initial=IntakeFormForm.initial_for(intake_form))
    if request.method == "POST" and form.is_valid():
        try:
            intake.intake_form_update(actor=request.user, form=intake_form, data=_form_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Intake form saved.")
            return redirect(intake_form)
    return render(
        request, "leads/intake/form_edit.html", {"form": form, "intake_form": intake_form}
    )


def intake_endpoint(request, intake_form):
    """Where websites post: this CRM's address as the admin reaches it."""
    return request.build_absolute_uri(intake_form.submit_path())


def intake_snippet(intake_form, endpoint):
    labels = dict(INTAKE_LEAD_FIELDS)
    autocomplete = {
        "first_name": "given-name",
        "last_name": "family-name",
        "email": "email",
        "phone": "tel",
        "job_title": "organization-title",
        "company_name": "organization",
        "website": "url",
        "country": "country-name",
    }
    input_types = {"email": "email", "phone": "tel", "website": "url", "employee_count": "number"}
    fields = [
        {
            "name": name,
            "label": labels[name],
            "type": input_types.get(name, "text"),
            "autocomplete": autocomplete.get(name, "off"),
            "required": name in ("last_name", "email"),
        }
        for name, _ in INTAKE_LEAD_FIELDS
        if name in (intake_form.allowed_fields or [])
    ]
    return render_to_string(
        "leads/intake/_snippet.txt",
        {"endpoint": endpoint, "fields": fields, "honeypot": HONEYPOT_FIELD},
    ).strip()


@login_required
@admin_required
def intake_form_detail(request, pk):
    intake_form = get_object_or_404(IntakeForm.objects.select_related("team", "last_owner"), pk=pk)
    endpoint = intake_endpoint(request, intake_form)
    state = request.GET.get("state", "")
    submissions = intake_form.submissions.all()
    if state in IntakeSubmission.State.values:
        submissions = submissions.filter(state=state)
    page = Paginator(_recent_submissions(submissions), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(intake_form.submissions.values_list("state").annotate(n=Count("id")).order_by())
    return render(
        request,
        "leads/intake/form_detail.html",
        {
            "intake_form": intake_form,
            "endpoint": endpoint,
            "snippet": intake_snippet(intake_form, endpoint),
            "candidates": intake.team_candidates(intake_form.team),
            "page": page,
            "states": IntakeSubmission.State.choices,
            "state": state,
            "counts": counts,
            "field_labels": dict(INTAKE_LEAD_FIELDS),
        },
    )


@login_required
@admin_required
@require_POST
def intake_form_regenerate_key(request, pk):
    intake_form = get_object_or_404(IntakeForm, pk=pk)
    intake.intake_form_regenerate_key(actor=request.user, form=intake_form)
    messages.success(
        request, "New key made. Update the snippet on your website: the old key no longer works."
    )
    return redirect(intake_form)


@login_required
@admin_required
@require_POST
def intake_submission_retry(request, pk):
    submission = get_object_or_404(IntakeSubmission.objects.select_related("form"), pk=pk)
    try:
        intake.intake_submission_retry(actor=request.user, submission=submission)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Submission {submission.pk} sent for processing again.")
    return redirect(safe_next_url(request, submission.form.get_absolute_url()))


# -- CSV import wizard -----------------------------------------------------------------


def _job_for(request, pk):
    return get_visible_or_404(
        ImportJob.objects.select_related("owner", "created_by"), request.user, pk
    )


def _steps(current):
    return [
        {"number": i, "label": label, "current": i == current, "done": i < current}
        for i, label in enumerate(STEPS, start=1)
    ]


@login_required
@process_required(LEADS)
def import_list(request):
    jobs = ImportJob.objects.visible_to(request.user).select_related("owner", "created_by")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/import/list.html", {"page": page})


@login_required
@process_required(LEADS)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("leads:import_map", pk=job.pk)
    return render(
        request,
        "leads/import/upload.html",
        {
            "form": form,
            "steps": _steps(1),
            "fields": [imports.FIELD_LABELS[f] for f in imports.MAPPABLE_FIELDS],
        },
    )


@login_required
@process_required(LEADS)
def import_map(request, pk):
    job = _job_for(request, pk)
    if job.state != ImportJob.State.DRAFT:
        return redirect("leads:import_detail", pk=job.pk)
    form = ImportMappingForm(request.POST or None, job=job, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            imports.import_job_set_mapping(
                actor=request.user,
                job=job,
                mapping=form.mapping(),
                owner=form.cleaned_data.get("owner"),
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("leads:import_preview", pk=job.pk)
    samples = imports.sample_values(job)
    columns = [
        {"field": bound, "samples": samples[i] if i < len(samples) else []}
        for i, bound in enumerate(form.column_fields())
    ]
    return render(
        request,
        "leads/import/map.html",
        {"job": job, "form": form, "columns": columns, "steps": _steps(2)},
    )


@login_required
@process_required(LEADS)
def import_preview(request, pk):
    job = _job_for(request, pk)
    if job.state != ImportJob.State.DRAFT:
        return redirect("leads:import_detail", pk=job.pk)
    if request.method == "POST":
        try:
            imports.import_job_start(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("leads:import_map", pk=job.pk)
        return redirect("leads:import_detail", pk=job.pk)
    try:
        imports.check_mapping(job.headers, job.mapping)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("leads:import_map", pk=job.pk)
    preview = imports.import_job_preview_summary(job=job)
    rows = preview.rows
    mapped = [f for f in imports.MAPPABLE_FIELDS if f in job.mapped_fields()]
    shown = [
        f
        for f in [*imports.INTAKE_LEAD_FIELD_NAMES, "source"]
        if f in mapped or (imports.FULL_NAME in mapped and f in ("first_name", "last_name"))
    ]
    return render(
        request,
        "leads/import/preview.html",
        {
            "job": job,
            "rows": rows,
            "columns": [(f, imports.FIELD_LABELS[f]) for f in shown],
            "problem_count": sum(1 for r in rows if r.problems),
            "preview": preview,
            "steps": _steps(3),
            "encoding": imports.ENCODING_LABELS.get(job.encoding, job.encoding),
            "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(
                job.delimiter, job.delimiter
            ),
        },
    )


@login_required
@process_required(LEADS)
def import_detail(request, pk):
    """Step 4 (progress) while the import runs; step 5 (report) once it has finished."""
    job = _job_for(request, pk)
    if job.state == ImportJob.State.DRAFT:
        return redirect("leads:import_map", pk=job.pk)
    context = {"job": job, "steps": _steps(5 if job.is_finished else 4)}
    if job.is_finished:
        outcome = request.GET.get("outcome", "rejected" if job.rejected else "")
        rows = job.rows.select_related("lead")
        if outcome in ImportRowResult.Outcome.values:
            rows = rows.filter(outcome=outcome)
        page = Paginator(rows.order_by("row_number"), 50).get_page(request.GET.get("page"))
        context.update(
            {
                "page": page,
                "summaries": imports.import_row_summaries(
                    job, [row.row_number for row in page if row.lead_id is None]
                ),
                "outcome": outcome,
                "outcomes": [
                    ("", "All rows", job.processed),
                    ("created", "Created", job.created),
                    ("updated", "Updated", job.updated),
                    ("unchanged", "Unchanged", job.unchanged),
                    ("rejected", "Rejected", job.rejected),
                ],
                "rows_per_second": (
                    round(job.processed / job.duration_seconds)
                    if job.duration_seconds and job.duration_seconds >= 1
                    else None
                ),
            }
        )
    return render(request, "leads/import/detail.html", context)


@login_required
@process_required(LEADS)
def import_progress(request, pk):
    """The progress partial htmx polls each second; when done it reloads the page."""
    job = _job_for(request, pk)
    if job.is_finished and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "leads/import/_progress.html", {"job": job})


@login_required
@process_required(LEADS)
def import_report_csv(request, pk):
    job = _job_for(request, pk)
    stem = job.original_name.rsplit(".", 1)[0]
    return csv_download(
        imports.import_report_rows(job),
        filename=safe_filename(stem, "-import-report.csv", default="leads"),
    )


@login_required
@process_required(LEADS)
@require_POST
def import_delete(request, pk):
    job = _job_for(request, pk)
    try:
        imports.import_job_delete(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("leads:import_detail", pk=job.pk)
    messages.success(request, f"Import of {job.original_name} deleted; its leads stay.")
    return redirect(reverse("leads:import_list"))
