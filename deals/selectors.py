"""Reads for the deal records: list, board, detail, stage history and cross-sell gaps.

Every query starts from Deal.objects.visible_to(user); lists and the board run a fixed
number of queries whatever the number of deals.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    Prefetch,
    Q,
    Subquery,
    Sum,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from deals.reporting.figures import weighted, weighted_sum
from salesproc.access import get_visible_or_404
from salesproc.models import AmongIds, Event
from salesproc.registry import deal_list_fields_for

from .models import Deal, LineItem, Pipeline, Product, Stage, StageChange
from .periods import month_range

DEAL_ORDERINGS = {
    "name": ("name",),
    "-name": ("-name",),
    "amount": ("amount",),
    "-amount": ("-amount",),
    "close": ("expected_close_date",),
    "-close": ("-expected_close_date",),
    "stage": ("pipeline__order", "stage__order"),
    "-stage": ("-pipeline__order", "-stage__order"),
    "owner": ("owner__first_name", "owner__last_name"),
    "-owner": ("-owner__first_name", "-owner__last_name"),
    "account": ("account__name",),
    "-account": ("-account__name",),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}
BOARD_CARDS_PER_COLUMN = 20
BOARD_CLOSED_DAYS = 30
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def get_deal_for_user(user, pk, *, for_write=False):
    """The deal, if this user may see it; otherwise 404 (missing and not-yours alike).

    The one access function for a deal: every page, API view and viewset fetches through
    it (the API's list uses `visible_to` in get_queryset). Whoever sees a deal may work on
    it, so `for_write` only takes the row lock (inside a transaction).
    """
    return get_visible_or_404(
        Deal.objects.with_list_data().with_weighted_amount().select_related("lost_reason"),
        user,
        pk,
        for_write=for_write,
    )


def deal_list(
    *,
    user,
    search="",
    owner=None,
    pipeline=None,
    stage=None,
    status="",
    forecast_category="",
    deal_type="",
    close_month="",
    account=None,
    ordering="close",
    field_filters=None,
):
    """The deal list. field_filters: {key: value} for registered deal list fields (another
    app's columns, such as the opportunity plan); ordering may name one of them too."""
    qs = Deal.objects.visible_to(user).with_list_data().with_weighted_amount()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(account__name__icontains=search))
    if owner:
        qs = qs.filter(owner_id=owner)
    if pipeline:
        qs = qs.filter(pipeline_id=pipeline)
    if stage:
        qs = qs.filter(stage_id=stage)
    if status:
        qs = qs.filter(status=status)
    if forecast_category:
        qs = qs.filter(forecast_category=forecast_category)
    if deal_type:
        qs = qs.filter(deal_type=deal_type)
    if account:
        qs = qs.filter(account_id=account)
    months = month_range(close_month) if close_month else None
    if months:
        qs = qs.filter(expected_close_date__range=months)
    qs, field_order = apply_list_fields(
        qs, user=user, ordering=ordering, field_filters=field_filters or {}
    )
    if field_order is not None:
        return qs.order_by(field_order, "id")
    order = DEAL_ORDERINGS.get(ordering, ("expected_close_date",))
    return qs.order_by(*order, "id")


def apply_list_fields(qs, *, user, ordering="", field_filters):
    """Annotate and filter by the registered deal list fields asked for (only those).

    Returns (queryset, order expression or None). Unknown filter values are the caller's
    to refuse (see `unknown_list_field_values`); here they are ignored.
    """
    field_order = None
    for item in deal_list_fields_for(user):
        value = field_filters.get(item.key) or ""
        condition = item.filters.get(value, (None, None))[1]
        sorted_by = ordering in (item.key, f"-{item.key}")
        if condition is None and not sorted_by:
            continue
        qs = item.annotate(qs)
        if condition is not None:
            qs = condition(qs) if callable(condition) else qs.filter(condition)
        if sorted_by:
            expression = F(item.key)
            field_order = (
                expression.desc(nulls_last=True)
                if ordering.startswith("-")
                else expression.asc(nulls_last=True)
            )
    return qs, field_order


def unknown_list_field_values(*, user, params):
    """{key: message} for registered list field filters given a value they do not know."""
    errors = {}
    for item in deal_list_fields_for(user):
        value = params.get(item.key)
        if value and value not in item.filters:
            choices = ", ".join(item.filters)
            errors[item.key] = f"Unknown value {value!r}; choose one of: {choices}."
    return errors


def list_field_controls(*, user):
    """The registered fields for the list's sort and filter controls."""
    return [
        {
            "key": item.key,
            "label": item.label,
            "choices": [(value, label) for value, (label, _) in item.filters.items()],
        }
        for item in deal_list_fields_for(user)
    ]


def deal_totals(qs):
    """Count, amount and weighted amount of a deal queryset, in one query."""
    totals = qs.order_by().aggregate(
        deal_count=Count("id"),
        amount_total=Coalesce(Sum("amount"), ZERO, output_field=MONEY),
        weighted_total=weighted_sum(),
    )
    return {
        "count": totals["deal_count"],
        "amount": totals["amount_total"],
        "weighted": weighted(totals["weighted_total"]),
    }


def pipelines_with_stages():
    return Pipeline.objects.filter(is_active=True).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order", "id"))
    )


def choose_pipeline(pipelines, pipeline_id=None):
    by_id = {p.pk: p for p in pipelines}
    if pipeline_id in by_id:
        return by_id[pipeline_id]
    defaults = [p for p in pipelines if p.is_default]
    if defaults:
        return defaults[0]
    return pipelines[0] if pipelines else None


def deal_board(*, user, pipeline, owner=None, search=""):
    """Columns of a pipeline's board: per stage its totals and first cards.

    Open stages show their open deals; the won and lost columns show deals closed in
    the last BOARD_CLOSED_DAYS days. Three queries whatever the number of deals.
    """
    stages = list(pipeline.stages.all())
    since = timezone.now() - timedelta(days=BOARD_CLOSED_DAYS)
    qs = Deal.objects.visible_to(user).filter(pipeline=pipeline)
    qs = qs.filter(Q(status=Deal.Status.OPEN) | Q(closed_at__gte=since))
    if owner:
        qs = qs.filter(owner_id=owner)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(account__name__icontains=search))
    totals = {
        row["stage_id"]: row
        for row in qs.order_by()
        .values("stage_id")
        .annotate(
            deal_count=Count("id"),
            amount_total=Coalesce(Sum("amount"), ZERO, output_field=MONEY),
            weighted_total=weighted_sum(),
        )
    }
    # Rank the bare deals (three narrow columns, no joins), then read the list's columns
    # for the cards shown only: still one query (the ranked ids are its InitPlan).
    ranked_ids = (
        qs.order_by()
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[F("expected_close_date").asc(nulls_last=True), F("id").asc()],
            )
        )
        .filter(position__lte=BOARD_CARDS_PER_COLUMN)
        .values("pk")
    )
    ranked = (
        Deal.objects.filter(AmongIds(F("pk"), Subquery(ranked_ids)))
        .with_list_data()
        .order_by("stage__order", "stage_id", F("expected_close_date").asc(nulls_last=True), "id")
    )
    cards = {}
    for deal in ranked:
        cards.setdefault(deal.stage_id, []).append(deal)
    columns = []
    for stage in stages:
        figures = totals.get(stage.pk, {})
        shown = cards.get(stage.pk, [])
        count = figures.get("deal_count", 0)
        columns.append(
            {
                "stage": stage,
                "deals": shown,
                "count": count,
                "hidden": count - len(shown),
                "amount": figures.get("amount_total", ZERO),
                "weighted": weighted(figures.get("weighted_total")),
            }
        )
    return columns


def deal_for_detail(*, user, pk):
    """The deal for its page: get_deal_for_user, with its line items and contacts."""
    deal = get_deal_for_user(user, pk)
    prefetch_related_objects(
        [deal],
        Prefetch("line_items", queryset=LineItem.objects.select_related("product").order_by("id")),
        "contacts",
    )
    return deal


def stage_history(deal, *, now=None):
    """The deal's stage history, oldest first, with the time spent in each stage.

    The open stint (the current stage of an open deal) runs until now; the stage a deal
    closed in has no duration.
    """
    now = now or timezone.now()
    changes = list(
        StageChange.objects.filter(deal=deal)
        .select_related("from_stage", "to_stage", "changed_by")
        .order_by("changed_at", "id")
    )
    rows = []
    for index, change in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        if following is not None:
            left_at = following.changed_at
        elif change.to_stage.kind == Stage.Kind.OPEN and deal.is_open:
            left_at = None
        else:
            left_at = change.changed_at
        end = left_at or now
        rows.append(
            {
                "change": change,
                "stage": change.to_stage,
                "entered_at": change.changed_at,
                "left_at": left_at,
                "current": following is None,
                "confirmed_on_leaving": following.exit_criteria_confirmed if following else [],
                "duration": end - change.changed_at if change.to_stage.is_open else None,
            }
        )
    return rows


def time_in_stages(history):
    """Total time per stage name over the history (a deal can pass a stage twice)."""
    totals = {}
    for row in history:
        if row["duration"] is None:
            continue
        name = row["stage"].name
        totals[name] = totals.get(name, timedelta()) + row["duration"]
    return totals


def humanise_duration(value):
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}" + (
            f" {hours} h" if days < 3 and hours else ""
        )
    if hours >= 1:
        return f"{hours} h"
    return f"{max(rest // 60, 1)} min"


def account_deals(*, user, account, limit=20):
    qs = (
        Deal.objects.visible_to(user)
        .filter(account=account)
        .with_list_data()
        .with_weighted_amount()
        .annotate(open_first=Case(When(status=Deal.Status.OPEN, then=0), default=1))
        .order_by("open_first", "expected_close_date", "-closed_at", "id")
    )
    return list(qs[:limit]), deal_totals(qs.filter(status=Deal.Status.OPEN))


def contact_deals(*, user, contact, limit=20):
    qs = (
        Deal.objects.visible_to(user)
        .filter(Q(primary_contact=contact) | Q(contacts=contact))
        .distinct()
        .with_list_data()
        .annotate(open_first=Case(When(status=Deal.Status.OPEN, then=0), default=1))
        .order_by("open_first", "expected_close_date", "id")
    )
    return list(qs[:limit])


def account_product_gap(*, account):
    """What the account already bought (its won deals' line items) and what it has not.

    Products bought are account knowledge, so every won deal of the account counts,
    whoever owns it; no deal is named. Two queries.
    """
    bought = list(
        LineItem.objects.filter(deal__account=account, deal__status=Deal.Status.WON)
        .values("product_id", "product__name", "product__code", "product__is_active")
        .annotate(
            quantity=Sum("quantity"),
            last_won=Max("deal__closed_at"),
            deals=Count("deal", distinct=True),
        )
        .order_by("product__name")
    )
    bought_ids = [row["product_id"] for row in bought]
    not_bought = list(
        Product.objects.filter(is_active=True).exclude(pk__in=bought_ids).order_by("name")
    )
    return bought, not_bought


def my_open_deals(*, user, upcoming=5):
    """The home widget: the open deals, their value and the next to close: a rep's own,
    a manager's team's (theirs included)."""
    team = user.is_manager
    deals = Deal.objects.visible_to(user) if team else Deal.objects.filter(owner=user)
    qs = deals.filter(status=Deal.Status.OPEN)
    totals = deal_totals(qs)
    next_closes = list(
        qs.with_list_data()
        .exclude(expected_close_date__isnull=True)
        .order_by("expected_close_date", "id")[:upcoming]
    )
    overdue = qs.filter(expected_close_date__lt=timezone.localdate()).count()
    return {**totals, "next_closes": next_closes, "overdue": overdue, "team": team}


def _shown(form, name, value):
    """A field's value as the form would name it (choice labels, names of records)."""
    if value in (None, "", []):
        return "—"
    field = form.fields.get(name)
    if hasattr(value, "all") or isinstance(value, (list, tuple)):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    choices = dict(getattr(field, "choices", None) or []) if field is not None else {}
    if name in ("deal_type", "forecast_category", "currency") and value in choices:
        return str(choices[value])
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %b %Y")
    return str(value)


def stale_edit_view(*, deal, data, form):
    """What a refused stale edit shows: each field where the user's edit and the deal as
    it is now differ, and who changed the deal last (its latest event)."""
    current = Deal.objects.select_related("account", "primary_contact", "owner").get(pk=deal.pk)
    changed = []
    for name, yours in data.items():
        now = current.contacts.all() if name == "contacts" else getattr(current, name, None)
        yours_shown, now_shown = _shown(form, name, yours), _shown(form, name, now)
        if yours_shown != now_shown:
            field = form.fields.get(name)
            label = field.label if field is not None and field.label else name
            changed.append(
                {
                    "label": str(label).replace("_", " ").capitalize(),
                    "yours": yours_shown,
                    "now": now_shown,
                }
            )
    last = (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return {
        "changed": changed,
        "by": last.actor.display_name if last and last.actor else None,
        "at": last.created_at if last else None,
        "summary": last.summary if last else "",
        "version": current.version,
        "just_now": bool(last) and (timezone.now() - last.created_at).total_seconds() < 60,
    }


def attach_contact_ids(deals):
    """Give each deal of a page `contact_ids`: its live contacts' ids in the contacts'
    order (last name, first name), read in one query of id pairs, with no contact rows
    built. The API's list shows them (DealSerializer's contacts)."""
    through = Deal.contacts.through
    pairs = (
        through.objects.filter(
            deal_id__in=[deal.pk for deal in deals], contact__deleted_at__isnull=True
        )
        .order_by("contact__last_name", "contact__first_name", "contact_id")
        .values_list("deal_id", "contact_id")
    )
    by_deal = {deal.pk: [] for deal in deals}
    for deal_id, contact_id in pairs:
        by_deal[deal_id].append(contact_id)
    for deal in deals:
        deal.contact_ids = by_deal[deal.pk]
    return deals
