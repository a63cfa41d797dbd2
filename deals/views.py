"""Deal pages: board, list, detail, forms for each transition, line items, and the admin
settings pages for pipelines, stages, products and lost reasons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Account
from salesproc.api_support import validation_error_body
from salesproc.errors import StaleVersion
from salesproc.events import timeline_for
from salesproc.models import users_visible_to
from salesproc.registry import attach_deal_badges, panels_for
from salesproc.view_support import admin_required, process_required
from salesproc.views import apply_errors, int_or_none

from . import selectors, services
from .forms import (
    DealForm,
    LineItemEditForm,
    LineItemForm,
    LoseForm,
    LostReasonForm,
    MoveForm,
    PipelineForm,
    ProductForm,
    ReopenForm,
    StageForm,
    WinForm,
)
from .models import Deal, LineItem, LostReason, Pipeline, Product, Stage

PAGE_SIZE = 25


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _stale_message(exc):
    return str(exc)


# ---------------------------------------------------------------- board and list


@login_required
@process_required("deals")
def board(request):
    params = request.GET
    pipelines = list(selectors.pipelines_with_stages())
    pipeline = selectors.choose_pipeline(pipelines, int_or_none(params.get("pipeline")))
    owners = list(users_visible_to(request.user))
    owner = int_or_none(params.get("owner"))
    columns = []
    if pipeline is not None:
        columns = selectors.deal_board(
            user=request.user,
            pipeline=pipeline,
            owner=owner,
            search=params.get("q", "").strip(),
        )
        attach_deal_badges(request.user, [deal for c in columns for deal in c["deals"]])
    context = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "columns": columns,
        "owners": owners,
        "closed_days": selectors.BOARD_CLOSED_DAYS,
        "open_columns": [c for c in columns if c["stage"].is_open],
        "stages": [c["stage"] for c in columns],
        "today": timezone.localdate(),
    }
    template = "deals/_board.html" if request.htmx else "deals/board.html"
    return render(request, template, context)


def _list_status(value):
    """The list shows open deals unless asked for won, lost or all of them."""
    if value == "all":
        return ""
    return value if value in Deal.Status.values else Deal.Status.OPEN


@login_required
@process_required("deals")
def deal_list(request):
    params = request.GET
    qs = selectors.deal_list(
        user=request.user,
        search=params.get("q", "").strip(),
        owner=int_or_none(params.get("owner")),
        pipeline=int_or_none(params.get("pipeline")),
        stage=int_or_none(params.get("stage")),
        status=_list_status(params.get("status")),
        forecast_category=params.get("category", ""),
        deal_type=params.get("type", ""),
        close_month=params.get("close", ""),
        ordering=params.get("sort", "close"),
    )
    totals = selectors.deal_totals(qs)
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = totals["count"]  # already counted with the totals: one query fewer
    page = paginator.get_page(params.get("page"))
    page.object_list = attach_deal_badges(request.user, page.object_list)
    context = {
        "page": page,
        "totals": totals,
        "owners": list(users_visible_to(request.user)),
        "stages": list(
            Stage.objects.filter(pipeline__is_active=True)
            .select_related("pipeline")
            .order_by("pipeline__order", "pipeline__name", "order")
        ),
        "statuses": Deal.Status.choices,
        "status": _list_status(params.get("status")) or "all",
        "categories": Deal.ForecastCategory.choices,
        "types": Deal.Type.choices,
        "today": timezone.localdate(),
    }
    template = "deals/_deal_table.html" if request.htmx else "deals/deal_list.html"
    return render(request, template, context)


# ---------------------------------------------------------------- detail


def _detail_context(request, deal, **forms):
    history = selectors.stage_history(deal)
    totals = selectors.time_in_stages(history)
    for row in history:
        row["duration_text"] = selectors.humanise_duration(row["duration"])
    return {
        "deal": deal,
        "history": history,
        "stage_totals": [
            (name, selectors.humanise_duration(value)) for name, value in totals.items()
        ],
        "line_items": list(deal.line_items.all()),
        "line_form": forms.get("line_form") or LineItemForm(),
        "today": timezone.localdate(),
        "stage_age": selectors.humanise_duration(timezone.now() - deal.stage_entered_at),
        "next_stage": deal.pipeline.stages.filter(
            kind=Stage.Kind.OPEN, order__gt=deal.stage.order
        ).first()
        if deal.is_open
        else None,
        "timeline": timeline_for(deal, user=request.user),
        "panels": panels_for(request, deal),
    }


@login_required
@process_required("deals")
def deal_detail(request, pk):
    deal = selectors.deal_for_detail(user=request.user, pk=pk)
    return render(request, "deals/deal_detail.html", _detail_context(request, deal))


# ---------------------------------------------------------------- create and edit


def _form_data(form):
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@login_required
@process_required("deals")
def deal_create(request):
    params = request.GET
    account = None
    account_id = int_or_none(params.get("account") or request.POST.get("account"))
    if account_id:
        account = Account.objects.visible_to(request.user).filter(pk=account_id).first()
    initial = {"deal_type": params.get("type") or Deal.Type.NEW_BUSINESS, "quantity": 1}
    product = None
    if int_or_none(params.get("product")):
        product = Product.objects.filter(pk=params.get("product"), is_active=True).first()
    if account is not None:
        initial["account"] = account.pk
    if product is not None:
        initial["product"] = product.pk
        initial["amount"] = product.unit_price
        if account is not None:
            initial["name"] = f"{account.name}: {product.name}"
    form = DealForm(request.POST or None, user=request.user, account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        product = data.pop("product", None)
        quantity = data.pop("quantity", None) or 1
        try:
            deal = services.deal_create(
                actor=request.user,
                name=data["name"],
                account=data["account"],
                owner=data["owner"],
                pipeline=data["pipeline"],
                amount=data.get("amount") or 0,
                currency=data["currency"],
                expected_close_date=data.get("expected_close_date"),
                primary_contact=data.get("primary_contact"),
                contacts=list(data.get("contacts") or []),
                deal_type=data["deal_type"],
                line_items=[{"product": product, "quantity": quantity}] if product else [],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Deal “{deal.name}” created in {deal.stage.name}.")
            return redirect(deal)
    return render(request, "deals/deal_form.html", {"form": form, "prefill_product": product})


@login_required
@process_required("deals")
def deal_edit(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    initial = {
        "name": deal.name,
        "account": deal.account_id,
        "primary_contact": deal.primary_contact_id,
        "contacts": list(deal.contacts.values_list("pk", flat=True)),
        "deal_type": deal.deal_type,
        "amount": deal.amount,
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date,
        "forecast_category": deal.forecast_category,
        "owner": deal.owner_id,
        "version": deal.version,
    }
    form = DealForm(request.POST or None, user=request.user, deal=deal, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        data["contacts"] = list(data.get("contacts") or [])
        if form.fields["amount"].disabled:
            data.pop("amount", None)
        try:
            deal = services.deal_update(
                actor=request.user,
                deal=deal,
                version=form.cleaned_data["version"],
                data=data,
            )
        except StaleVersion as exc:
            form.add_error(None, _stale_message(exc))
            stale = True
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Deal saved.")
            return redirect(deal)
    return render(
        request,
        "deals/deal_form.html",
        {"form": form, "deal": deal, "stale": stale},
        status=409 if stale else 200,
    )


@login_required
@process_required("deals")
def deal_delete(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            services.deal_delete(actor=request.user, deal=deal)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Deal “{deal.name}” deleted.")
            return redirect("deals:deal_list")
    return render(request, "deals/confirm_delete.html", {"deal": deal, "error": error})


# ---------------------------------------------------------------- transitions


def _transition_failed(request, deal, form, exc, template, extra):
    if isinstance(exc, StaleVersion):
        form.add_error(None, _stale_message(exc))
        status = 409
    else:
        apply_errors(form, exc)
        status = 400
    return render(request, template, {"deal": deal, "form": form, **extra}, status=status)


@login_required
@process_required("deals")
def deal_move(request, pk):
    """Move to a stage: a plain form, the board's drop (JSON) and the exit-criteria prompt."""
    deal = selectors.get_deal_for_user(request.user, pk)
    source = request.POST if request.method == "POST" else request.GET
    target = None
    stage_id = int_or_none(source.get("stage"))
    if stage_id:
        target = Stage.objects.filter(pk=stage_id, pipeline_id=deal.pipeline_id).first()
    back = _next_url(request, deal.get_absolute_url())
    partial = source.get("partial") == "1"
    template = "deals/_move_form.html" if partial else "deals/move_form.html"
    if not deal.is_open:
        if _wants_json(request):
            return JsonResponse(
                {"errors": {"status": ["Reopen the deal before moving it."]}}, status=400
            )
        messages.error(request, "The deal is closed: reopen it to move it.")
        return redirect(deal)
    if request.method != "POST":
        form = MoveForm(deal=deal, target=target, initial={"stage": stage_id})
        return render(
            request, template, {"deal": deal, "form": form, "target": target, "next": back}
        )
    form = MoveForm(request.POST, deal=deal, target=target)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        return render(
            request,
            template,
            {"deal": deal, "form": form, "target": target, "next": back},
            status=400,
        )
    data = form.cleaned_data
    try:
        moved = services.deal_move_stage(
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            exit_criteria_confirmed=data.get("exit_criteria_confirmed") or [],
            version=data.get("version"),
            lost_reason=data.get("reason"),
            lost_reason_detail=data.get("detail") or "",
        )
    except (ValidationError, StaleVersion) as exc:
        if _wants_json(request):
            prompt = reverse("deals:deal_move", args=[deal.pk])
            body = (
                validation_error_body(exc)
                if isinstance(exc, ValidationError)
                else {"non_field_errors": [str(exc)]}
            )
            return JsonResponse(
                {
                    "errors": body,
                    "prompt_url": f"{prompt}?stage={data['stage'].pk}&partial=1",
                },
                status=409 if isinstance(exc, StaleVersion) else 400,
            )
        return _transition_failed(
            request, deal, form, exc, template, {"target": data["stage"], "next": back}
        )
    summary = {
        Deal.Status.WON: f"Won “{moved.name}”. Well done!",
        Deal.Status.LOST: f"“{moved.name}” marked as lost.",
    }.get(moved.status, f"Moved “{moved.name}” to {moved.stage.name}.")
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "stage": moved.stage_id, "version": moved.version, "message": summary}
        )
    messages.success(request, summary)
    return redirect(back)


@login_required
@process_required("deals")
def deal_win(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = WinForm(request.POST or None, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_win(
                actor=request.user,
                deal=deal,
                exit_criteria_confirmed=form.cleaned_data.get("exit_criteria_confirmed") or [],
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/win_form.html", {})
        messages.success(request, f"Won “{deal.name}”. Well done!")
        return redirect(deal)
    return render(request, "deals/win_form.html", {"deal": deal, "form": form})


@login_required
@process_required("deals")
def deal_lose(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = LoseForm(request.POST or None, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_lose(
                actor=request.user,
                deal=deal,
                reason=form.cleaned_data.get("reason"),
                detail=form.cleaned_data.get("detail") or "",
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/lose_form.html", {})
        messages.success(request, f"“{deal.name}” marked as lost.")
        return redirect(deal)
    return render(request, "deals/lose_form.html", {"deal": deal, "form": form})


@login_required
@process_required("deals")
def deal_reopen(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    last_open = (
        deal.stage_history.filter(to_stage=deal.stage, from_stage__kind=Stage.Kind.OPEN)
        .select_related("from_stage")
        .order_by("-changed_at", "-id")
        .first()
    )
    form = ReopenForm(
        request.POST or None,
        deal=deal,
        initial_stage=last_open.from_stage if last_open else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_reopen(
                actor=request.user,
                deal=deal,
                stage=form.cleaned_data["stage"],
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion) as exc:
            return _transition_failed(request, deal, form, exc, "deals/reopen_form.html", {})
        messages.success(request, f"“{deal.name}” is open again, in {deal.stage.name}.")
        return redirect(deal)
    return render(request, "deals/reopen_form.html", {"deal": deal, "form": form})


# ---------------------------------------------------------------- line items


@login_required
@process_required("deals")
@require_POST
def line_item_add(request, pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    form = LineItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.line_item_add(actor=request.user, deal=deal, **form.cleaned_data)
        except (ValidationError, StaleVersion) as exc:
            if isinstance(exc, StaleVersion):
                form.add_error(None, str(exc))
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, f"Added {item.product.name}.")
            return redirect(f"{deal.get_absolute_url()}#line-items")
    deal = selectors.deal_for_detail(user=request.user, pk=pk)
    return render(
        request,
        "deals/deal_detail.html",
        _detail_context(request, deal, line_form=form),
        status=400,
    )


def _line_item_for(request, pk, item_pk):
    deal = selectors.get_deal_for_user(request.user, pk)
    item = LineItem.objects.select_related("product", "deal").filter(deal=deal, pk=item_pk).first()
    if item is None:
        raise Http404("No line item matches the given query.")
    return deal, item


@login_required
@process_required("deals")
@require_POST
def line_item_edit(request, pk, item_pk):
    deal, item = _line_item_for(request, pk, item_pk)
    form = LineItemEditForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label or f}: {' '.join(e)}" for f, e in form.errors.items()
        )
        messages.error(request, f"The {item.product.name} line was not changed. {errors}")
    else:
        try:
            services.line_item_update(actor=request.user, line_item=item, data=form.cleaned_data)
        except (ValidationError, StaleVersion) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"The {item.product.name} line was not changed. {text}")
        else:
            messages.success(request, f"Updated the {item.product.name} line.")
    return redirect(f"{deal.get_absolute_url()}#line-items")


@login_required
@process_required("deals")
@require_POST
def line_item_remove(request, pk, item_pk):
    deal, item = _line_item_for(request, pk, item_pk)
    try:
        services.line_item_remove(actor=request.user, line_item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Removed the {item.product.name} line.")
    return redirect(f"{deal.get_absolute_url()}#line-items")


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
        "name": stage.name,
        "probability": stage.probability,
        "stalled_after_days": stage.stalled_after_days,
        "default_forecast_category": stage.default_forecast_category,
        "exit_criteria": "\n".join(stage.exit_criteria or []),
        "order": stage.order,
    }


@login_required
@admin_required
def pipeline_edit(request, pk):
    pipeline = get_object_or_404(Pipeline, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    pipeline_form = PipelineForm(
        request.POST if action == "pipeline" else None,
        initial={
            "name": pipeline.name,
            "order": pipeline.order,
            "is_default": pipeline.is_default,
            "is_active": pipeline.is_active,
        },
    )
    stage_form = StageForm(
        request.POST if action == "add_stage" else None,
        prefix="new",
        initial={"probability": 20, "stalled_after_days": 14},
    )
    if action == "pipeline" and pipeline_form.is_valid():
        data = dict(pipeline_form.cleaned_data)
        data["order"] = data.get("order") or 0
        try:
            services.pipeline_update(actor=request.user, pipeline=pipeline, data=data)
        except ValidationError as exc:
            apply_errors(pipeline_form, exc)
        else:
            messages.success(request, "Pipeline saved.")
            return redirect("deals:pipeline_edit", pipeline.pk)
    if action == "add_stage" and stage_form.is_valid():
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
        else:
            messages.success(request, f"Stage “{stage.name}” added.")
            return redirect("deals:pipeline_edit", pipeline.pk)
    stages = list(pipeline.stages.order_by("order", "id"))
    stage_forms = [
        (stage, StageForm(prefix=f"s{stage.pk}", kind=stage.kind, initial=_stage_initial(stage)))
        for stage in stages
    ]
    return render(
        request,
        "deals/settings/pipeline_edit.html",
        {
            "pipeline": pipeline,
            "pipeline_form": pipeline_form,
            "stage_form": stage_form,
            "stage_forms": stage_forms,
            "open_count": sum(1 for s in stages if s.is_open),
        },
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


@login_required
@admin_required
@require_POST
def stage_shift(request, pk):
    """Move an open stage one place up or down."""
    stage = get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)
    pipeline = stage.pipeline
    ids = list(
        pipeline.stages.filter(kind=Stage.Kind.OPEN)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    if stage.pk in ids:
        index = ids.index(stage.pk)
        other = index - 1 if request.POST.get("direction") == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
            services.stage_reorder(actor=request.user, pipeline=pipeline, stage_ids=ids)
    return redirect(f"{reverse('deals:pipeline_edit', args=[pipeline.pk])}#stage-{stage.pk}")


@login_required
@admin_required
@require_POST
def stage_delete(request, pk):
    stage = get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)
    pipeline_id = stage.pipeline_id
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
        initial={
            "name": product.name,
            "code": product.code,
            "unit_price": product.unit_price,
            "is_active": product.is_active,
        },
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
