"""Admin settings pages of deals: pipelines and their stages (one form saves the whole
pipeline), products and lost reasons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from deals import services
from deals.fields import PIPELINE_FIELDS, PRODUCT_FIELDS, STAGE_FIELDS, initial_from
from deals.forms import (
    LostReasonForm,
    PipelineForm,
    ProductForm,
    StageForm,
)
from deals.models import LostReason, Pipeline, Product, Stage
from salesproc.view_support import admin_required
from salesproc.views import apply_errors, int_or_none

# ---------------------------------------------------------------- admin settings


@login_required
@admin_required
def pipeline_settings(request):
    form = PipelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pipeline = services.pipeline_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                is_default=form.cleaned_data["is_default"],
                is_active=form.cleaned_data["is_active"],
                order=form.cleaned_data.get("order") or 0,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Pipeline “{pipeline.name}” added: now add its open stages.")
            return redirect("deals:pipeline_edit", pipeline.pk)
    pipelines = Pipeline.objects.prefetch_related("stages").order_by("order", "name")
    return render(
        request, "deals/settings/pipeline_list.html", {"pipelines": pipelines, "form": form}
    )


def _stage_initial(stage):
    return {
        **initial_from(stage, STAGE_FIELDS),
        "exit_criteria": "\n".join(stage.exit_criteria or []),
    }


def _pipeline_initial(pipeline):
    return initial_from(pipeline, PIPELINE_FIELDS)


def _stage_row_data(form):
    """A stage row's changes for pipeline_save: the order is changed with Up and Down."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "order"}
    for field in ("exit_criteria", "default_forecast_category"):
        if field in data:
            data[field] = data[field] or ""
    return data


def _apply_row_errors(exc, pipeline_form, rows):
    """pipeline_save's errors ("<stage id>:<field>" or a pipeline field) onto their form."""
    for key, errors in exc.message_dict.items():
        stage_id, _, field = key.rpartition(":")
        form = rows.get(int(stage_id)) if stage_id.isdigit() else pipeline_form
        if form is None:
            pipeline_form.add_error(None, errors)
            continue
        form.add_error(field if field in form.fields else None, errors)


def _pipeline_action(request, pipeline, action, stage_form):
    """After the rows are saved: the button's own action. Returns a response or None."""
    edit_url = reverse("deals:pipeline_edit", args=[pipeline.pk])
    kind, _, stage_id = action.partition("-")
    if kind == "add_stage":
        data = stage_form.cleaned_data
        try:
            stage = services.stage_create(
                actor=request.user,
                pipeline=pipeline,
                name=data["name"],
                probability=data["probability"],
                stalled_after_days=data.get("stalled_after_days"),
                exit_criteria=data.get("exit_criteria") or "",
                default_forecast_category=data.get("default_forecast_category") or "",
            )
        except ValidationError as exc:
            apply_errors(stage_form, exc)
            messages.info(request, "Your changes to the stages were saved.")
            return None
        messages.success(request, f"Stage “{stage.name}” added.")
        return redirect(f"{edit_url}#stage-{stage.pk}")
    stage = pipeline.stages.filter(pk=int_or_none(stage_id) or 0).first()
    if kind in ("up", "down") and stage is not None:
        _shift_stage(request.user, stage, kind)
        return redirect(f"{edit_url}#stage-{stage.pk}")
    if kind == "remove" and stage is not None:
        return redirect("deals:stage_delete", stage.pk)
    messages.success(request, "Pipeline saved.")
    return redirect(edit_url)


@login_required
@admin_required
def pipeline_edit(request, pk):
    """One form for the whole pipeline: its fields, every stage row and a new stage.

    Whichever button is pressed (save, up, down, remove, add), every row's edits are saved
    first, all or nothing, so no typed change is lost without a word.
    """
    pipeline = get_object_or_404(Pipeline, pk=pk)
    post = request.POST if request.method == "POST" else None
    action = (post.get("action") or "save") if post else ""
    stages = list(pipeline.stages.order_by("order", "id"))

    def bound(prefix):
        return post if post and f"{prefix}-name" in post else None

    pipeline_form = PipelineForm(
        bound("pipeline"), prefix="pipeline", initial=_pipeline_initial(pipeline)
    )
    rows = {
        stage.pk: StageForm(
            bound(f"s{stage.pk}"),
            prefix=f"s{stage.pk}",
            kind=stage.kind,
            initial=_stage_initial(stage),
        )
        for stage in stages
    }
    stage_form = StageForm(
        post if action == "add_stage" else None,
        prefix="new",
        initial={"probability": 20, "stalled_after_days": 14},
    )
    status = 200
    if post:
        forms = [f for f in (pipeline_form, *rows.values()) if f.is_bound]
        if action == "add_stage":
            forms.append(stage_form)
        valid = [form.is_valid() for form in forms]  # every form, so every row shows its errors
        if all(valid):
            values = None
            if pipeline_form.is_bound and pipeline_form.has_changed():
                values = dict(pipeline_form.cleaned_data)
                values["order"] = values.get("order") or 0
            try:
                services.pipeline_save(
                    actor=request.user,
                    pipeline=pipeline,
                    values=values,
                    stages={
                        pk: _stage_row_data(f)
                        for pk, f in rows.items()
                        if f.is_bound and f.has_changed()
                    },
                )
            except ValidationError as exc:
                _apply_row_errors(exc, pipeline_form, rows)
            else:
                response = _pipeline_action(request, pipeline, action, stage_form)
                if response is not None:
                    return response
        status = 400
    return render(
        request,
        "deals/settings/pipeline_edit.html",
        {
            "pipeline": pipeline,
            "pipeline_form": pipeline_form,
            "stage_form": stage_form,
            "stage_forms": [(stage, rows[stage.pk]) for stage in stages],
            "open_count": sum(1 for s in stages if s.is_open),
        },
        status=status,
    )


@login_required
@admin_required
def stage_edit(request, pk):
    stage = get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)
    form = StageForm(
        request.POST or None, prefix=f"s{stage.pk}", kind=stage.kind, initial=_stage_initial(stage)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "order" or v is not None}
        if "exit_criteria" in data:
            data["exit_criteria"] = data["exit_criteria"] or ""
        if "default_forecast_category" in data:
            data["default_forecast_category"] = data["default_forecast_category"] or ""
        try:
            services.stage_update(actor=request.user, stage=stage, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Stage “{stage.name}” saved.")
            return redirect(
                f"{reverse('deals:pipeline_edit', args=[stage.pipeline_id])}#stage-{stage.pk}"
            )
    return render(
        request,
        "deals/settings/stage_edit.html",
        {"stage": stage, "pipeline": stage.pipeline, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _shift_stage(actor, stage, direction):
    """Move an open stage one place up or down among the open stages."""
    pipeline = stage.pipeline
    ids = list(
        pipeline.stages.filter(kind=Stage.Kind.OPEN)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    if stage.pk in ids:
        index = ids.index(stage.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
            services.stage_reorder(actor=actor, pipeline=pipeline, stage_ids=ids)


@login_required
@admin_required
@require_POST
def stage_shift(request, pk):
    """Move an open stage one place up or down."""
    stage = get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)
    _shift_stage(request.user, stage, request.POST.get("direction"))
    return redirect(f"{reverse('deals:pipeline_edit', args=[stage.pipeline_id])}#stage-{stage.pk}")


@login_required
@admin_required
def stage_delete(request, pk):
    """GET asks "Remove this stage?"; POST removes it (or says why it stays)."""
    stage = get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)
    pipeline_id = stage.pipeline_id
    if request.method != "POST":
        return render(
            request,
            "deals/settings/stage_confirm_delete.html",
            {"stage": stage, "pipeline": stage.pipeline},
        )
    try:
        services.stage_delete(actor=request.user, stage=stage)
    except ValidationError as exc:
        messages.error(request, f"“{stage.name}” stays. " + " ".join(exc.messages))
    else:
        messages.success(request, f"Stage “{stage.name}” removed.")
    return redirect("deals:pipeline_edit", pipeline_id)


@login_required
@admin_required
def product_settings(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Product “{product.name}” added.")
            return redirect("deals:product_settings")
    show = request.GET.get("show", "")
    products = Product.objects.order_by("-is_active", "name")
    if show != "all":
        products = products.filter(is_active=True)
    search = request.GET.get("q", "").strip()
    if search:
        products = products.filter(name__icontains=search) | products.filter(code__icontains=search)
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "deals/settings/product_list.html",
        {"page": page, "form": form, "show": show},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@admin_required
def product_edit(request, pk):
    product = get_object_or_404(Product, pk=pk)
    form = ProductForm(
        request.POST or None,
        initial=initial_from(product, PRODUCT_FIELDS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Product saved.")
            return redirect("deals:product_settings")
    return render(
        request,
        "deals/settings/product_edit.html",
        {"product": product, "form": form, "sold": product.line_items.count()},
    )


@login_required
@admin_required
def lost_reason_settings(request):
    form = LostReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reason = services.lost_reason_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Lost reason “{reason.name}” added.")
            return redirect("deals:lost_reason_settings")
    reasons = LostReason.objects.annotate(used=Count("deals")).order_by("-is_active", "name")
    return render(
        request,
        "deals/settings/lost_reason_list.html",
        {"reasons": reasons, "form": form},
    )


@login_required
@admin_required
@require_POST
def lost_reason_edit(request, pk):
    reason = get_object_or_404(LostReason, pk=pk)
    form = LostReasonForm(request.POST)
    if form.is_valid():
        try:
            services.lost_reason_update(actor=request.user, reason=reason, data=form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Lost reason “{form.cleaned_data['name']}” saved.")
    else:
        messages.error(request, "A lost reason needs a name.")
    return redirect("deals:lost_reason_settings")
