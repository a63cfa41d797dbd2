"""Inline edit on the deal list's rows and the board's cards: amount, close date, stage,
owner and forecast category. A click swaps the value for a small form (htmx); saving
goes through the same services as the edit and move forms, with the version the user
saw, so a stale edit is refused and the form says who changed the deal and what it holds
now. A saved edit re-renders the whole row or card (its other values carry the new
version)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from deals import selectors, services
from deals.models import Deal, Stage
from salesproc.errors import StaleVersion
from salesproc.models import Event, users_visible_to
from salesproc.registry import attach_deal_badges
from salesproc.view_support import process_required
from salesproc.views import int_or_none

FIELDS = {
    "amount": "Amount",
    "expected_close_date": "Close date",
    "stage": "Stage",
    "owner": "Owner",
    "forecast_category": "Forecast category",
}


def _where(request):
    return "card" if request.GET.get("in") == "card" else "row"


def _choices(deal, field, user):
    if field == "stage":
        stages = Stage.objects.filter(pipeline_id=deal.pipeline_id, kind=Stage.Kind.OPEN)
        return [(str(s.pk), s.name) for s in stages.order_by("order", "id")]
    if field == "owner":
        return [(str(u.pk), u.display_name) for u in users_visible_to(user)]
    if field == "forecast_category":
        return [
            (v, label) for v, label in Deal.ForecastCategory.choices if v not in ("won", "lost")
        ]
    return None


def _current(deal, field):
    """The field's value as the form's input holds it."""
    value = {"stage": deal.stage_id, "owner": deal.owner_id}.get(field, getattr(deal, field))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _shown(deal, field):
    """The field's value as a person reads it."""
    if field == "stage":
        return deal.stage.name
    if field == "owner":
        return deal.owner.display_name
    if field == "forecast_category":
        return deal.get_forecast_category_display()
    if field == "expected_close_date":
        return deal.expected_close_date.strftime("%-d %b %Y") if deal.expected_close_date else "—"
    return f"{deal.amount:,.0f} {deal.currency}".strip()


def _last_change(deal):
    """Who changed the deal last, when and what, from its last event."""
    event = (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return None
    seconds = (timezone.now() - event.created_at).total_seconds()
    return {
        "who": event.actor.display_name if event.actor else "An automated step",
        "when": "just now" if seconds < 60 else f"{timesince(event.created_at)} ago",
        "what": event.summary,
    }


def _form(request, deal, field, *, version, value, errors=(), stale=None, status=200):
    context = {
        "deal": deal,
        "field": field,
        "label": FIELDS[field],
        "version": version,
        "value": value,
        "choices": _choices(deal, field, request.user),
        "errors": errors,
        "stale": stale,
        "shown": _shown(deal, field),
        "where": _where(request),
    }
    response = render(request, "deals/_inline_form.html", context, status=status)
    if request.method == "POST":  # show the form in place of the value, not of the row
        response["HX-Retarget"] = f"#inline-{deal.pk}-{field}"
        response["HX-Reswap"] = "outerHTML"
    return response


def render_deal(request, deal_id):
    """The deal's list row or board card, fresh."""
    deal = selectors.get_deal_for_user(request.user, deal_id)
    attach_deal_badges(request.user, [deal])
    where = _where(request)
    context = {"deal": deal, "today": timezone.localdate()}
    if where == "card":
        context["stages"] = list(Stage.objects.filter(pipeline_id=deal.pipeline_id))
        context["board_url"] = reverse("deals:board") + f"?pipeline={deal.pipeline_id}"
        return render(request, "deals/_board_card.html", context)
    return render(request, "deals/_deal_row.html", context)


def _save(request, deal, field, version, raw):
    if field == "stage":
        stage = Stage.objects.filter(
            pk=int_or_none(raw), pipeline_id=deal.pipeline_id, kind=Stage.Kind.OPEN
        ).first()
        if stage is None:
            raise ValidationError({"stage": "Choose one of the pipeline's open stages."})
        if stage.pk == deal.stage_id:
            return
        services.deal_move_stage(actor=request.user, deal=deal, stage=stage, version=version)
        return
    value = raw
    if field == "owner":
        value = users_visible_to(request.user).filter(pk=int_or_none(raw)).first()
        if value is None:
            raise ValidationError({"owner": "Choose someone you work with."})
    elif field == "expected_close_date":
        try:
            value = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError({"expected_close_date": "Enter a date such as 2027-03-31."})
    elif field == "amount" and not raw:
        raise ValidationError({"amount": "Enter an amount."})
    services.deal_update(actor=request.user, deal=deal, version=version, data={field: value})


@login_required
@process_required("deals")
def deal_inline(request, pk, field):
    if field not in FIELDS:
        raise Http404("No such field.")
    deal = selectors.get_deal_for_user(request.user, pk)
    if request.method != "POST":
        version = int_or_none(request.GET.get("version")) or deal.version
        return _form(request, deal, field, version=version, value=_current(deal, field))
    raw = (request.POST.get("value") or "").strip()
    version = int_or_none(request.POST.get("version"))
    if version is None:
        return _form(
            request,
            deal,
            field,
            version=deal.version,
            value=raw,
            errors=["Reload the page and try again."],
            status=200,
        )
    try:
        _save(request, deal, field, version, raw)
    except StaleVersion:
        fresh = selectors.get_deal_for_user(request.user, pk)
        return _form(
            request, fresh, field, version=fresh.version, value=raw, stale=_last_change(fresh)
        )
    except ValidationError as exc:
        return _form(request, deal, field, version=version, value=raw, errors=exc.messages)
    if not request.htmx:  # a plain post (htmx not loaded yet, or no JS): back to the list
        return redirect("deals:board" if _where(request) == "card" else "deals:deal_list")
    return render_deal(request, pk)


@login_required
@process_required("deals")
def deal_inline_view(request, pk):
    """The row or card as it is (Cancel in an inline form)."""
    return render_deal(request, pk)
