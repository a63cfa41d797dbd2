"""Deal pages: the board, the list, a deal's page, create, edit and delete, and its
line items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Account
from deals import selectors, services
from deals.exports import DEAL_COLUMNS
from deals.fields import DEAL_FIELDS, initial_from
from deals.forms import (
    DealForm,
    LineItemEditForm,
    LineItemForm,
)
from deals.models import Deal, LineItem, Product, Stage
from salesproc.errors import StaleVersion
from salesproc.events import timeline_for
from salesproc.exports import export_queryset, wants_csv
from salesproc.models import users_visible_to
from salesproc.registry import attach_deal_badges, panels_for
from salesproc.saved_views.selectors import default_view_redirect
from salesproc.view_support import process_required
from salesproc.views import apply_errors, int_or_none

PAGE_SIZE = 25


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
    to_default = default_view_redirect(request, "deals")
    if to_default is not None:
        return to_default
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
        field_filters=params,
    )
    if wants_csv(request):
        return export_queryset(qs, DEAL_COLUMNS, filename="deals")
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
        "list_fields": selectors.list_field_controls(user=request.user),
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
        **initial_from(deal, DEAL_FIELDS),
        "contacts": list(deal.contacts.values_list("pk", flat=True)),
        "version": deal.version,
    }
    form = DealForm(request.POST or None, user=request.user, deal=deal, initial=initial)
    stale = None
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
        except StaleVersion:
            # one notice, above the form, with what changed (not a second form error)
            stale = selectors.stale_edit_view(deal=deal, data=data, form=form)
            # the user has now seen what changed: saving again keeps their edits
            form.data = form.data.copy()
            form.data["version"] = stale["version"]
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
