"""Writes for deals. Every change records an event in the same transaction.

A deal carries a `version`: every write bumps it, and an edit made from an older
version is refused with StaleVersion (409 over the API, a message on the form) rather
than silently overwriting what someone else saved in between.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from salesproc.errors import StaleVersion
from salesproc.events import record_event
from salesproc.models import User
from salesproc.registry import stage_gates_for
from salesproc.services import apply_changes, check_owner
from salesproc.softdelete import move_to_bin

from .models import Deal, LineItem, LostReason, Pipeline, Product, Stage, StageChange

FORECAST_CATEGORIES = {value for value, _ in Deal.ForecastCategory.choices}
DEAL_TYPES = {value for value, _ in Deal.Type.choices}
DEAL_FIELDS = [
    "name",
    "account",
    "primary_contact",
    "owner",
    "deal_type",
    "amount",
    "currency",
    "expected_close_date",
    "forecast_category",
]
MAX_EXIT_CRITERIA = 20


def default_pipeline():
    return Pipeline.objects.filter(is_active=True).order_by("-is_default", "order", "id").first()


def first_open_stage(pipeline):
    return pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id").first()


def _check_contacts(account, primary_contact):
    """The primary contact works at the account. Other contacts may be anyone involved
    (a partner, a consultant), as lead conversion relies on."""
    if primary_contact is not None and primary_contact.account_id not in (None, account.pk):
        raise ValidationError({"primary_contact": "The contact works at another account."})


def _money(value, field, *, allow_negative=False):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "Enter a number."})
    if not amount.is_finite():
        raise ValidationError({field: "Enter a number."})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: "This cannot be negative."})
    return amount


def _locked(deal, version=None):
    """The deal's row, locked for this transaction; refuses a write from an older version."""
    current = Deal.objects.select_for_update(of=("self",)).get(pk=deal.pk)
    if version is not None and int(version) != current.version:
        raise StaleVersion(
            f"Someone else changed this deal while you were working on it (you had version "
            f"{version}, it is now at version {current.version}). Nothing was saved: reload "
            "it to see their changes, then make yours again.",
            current_version=current.version,
        )
    return current


def _deal_event(deal, name, actor, summary, data):
    record_event(
        subject=deal,
        name=name,
        actor=actor,
        summary=summary,
        data=data,
        also=[deal.account, deal.primary_contact],
    )


def _normalise(text):
    return " ".join(str(text).split()).casefold()


def _confirmed_criteria(stage, confirmed):
    """The stage's exit criteria the caller confirmed; refuses the move if any is missing."""
    criteria = list(stage.exit_criteria or [])
    if not criteria:
        return []
    given = {_normalise(item) for item in (confirmed or []) if str(item).strip()}
    missing = [item for item in criteria if _normalise(item) not in given]
    if missing:
        raise ValidationError(
            {
                "exit_criteria_confirmed": (
                    f"Before the deal leaves {stage.name}, confirm each exit criterion: "
                    + "; ".join(missing)
                    + "."
                )
            },
            code="exit_criteria",
        )
    return criteria


def _check_stage_gates(*, deal, from_stage, to_stage, actor):
    """Higher apps' gates (an opportunity plan complete...) refuse a forward move."""
    missing = []
    for gate in stage_gates_for():
        missing.extend(gate.check(deal=deal, from_stage=from_stage, to_stage=to_stage, actor=actor))
    if missing:
        raise ValidationError(
            {"stage": f"Before the deal leaves {from_stage.name}: " + " ".join(missing)},
            code="stage_gate",
        )


def _line_items_total(deal):
    return sum((item.total for item in deal.line_items.all()), Decimal("0"))


def _record_stage_change(deal, from_stage, to_stage, actor, confirmed, when):
    return StageChange.objects.create(
        deal=deal,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        changed_at=when,
        exit_criteria_confirmed=confirmed,
    )


@transaction.atomic
def deal_create(
    *,
    actor: User,
    name: str,
    account,
    owner: User | None = None,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    amount: Decimal | None = None,
    currency: str = "EUR",
    expected_close_date=None,
    primary_contact=None,
    contacts=(),
    deal_type: str = Deal.Type.NEW_BUSINESS,
    source_lead_id: int | None = None,
    line_items=(),
) -> Deal:
    """Create a deal in a pipeline's first open stage (or the stage given).

    `line_items` is a list of {"product", "quantity", "unit_price", "discount_percent"};
    when there are any, the deal's amount is their total.
    """
    pipeline = pipeline or (stage.pipeline if stage else default_pipeline())
    if pipeline is None:
        raise ValidationError({"pipeline": "No pipeline is set up yet: an admin must add one."})
    if not pipeline.is_active:
        raise ValidationError({"pipeline": f"The {pipeline.name} pipeline is no longer in use."})
    stage = stage or first_open_stage(pipeline)
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise ValidationError({"stage": "Choose a stage of the deal's pipeline."})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "A new deal starts in an open stage."})
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    if deal_type not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if owner is not None:
        check_owner(actor=actor, owner=owner, records="deals")
    owner = owner or actor
    contacts = [c for c in contacts if c is not None]
    _check_contacts(account, primary_contact)
    deal = Deal(
        name=(name or "").strip(),
        account=account,
        owner=owner,
        pipeline=pipeline,
        stage=stage,
        amount=_money(amount if amount is not None else 0, "amount"),
        currency=(currency or "EUR").upper(),
        expected_close_date=expected_close_date,
        primary_contact=primary_contact,
        deal_type=deal_type,
        source_lead_id=source_lead_id,
        forecast_category=stage.default_forecast_category or Deal.ForecastCategory.PIPELINE,
    )
    deal.full_clean()
    deal.save()
    if primary_contact is not None and primary_contact not in contacts:
        contacts.append(primary_contact)
    if contacts:
        deal.contacts.add(*contacts)
    _record_stage_change(deal, None, stage, actor, [], deal.stage_entered_at)
    items = [_build_line_item(deal, **item) for item in line_items]
    if items:
        LineItem.objects.bulk_create(items)
        deal.amount = sum((item.total for item in items), Decimal("0"))
        deal.save(update_fields=["amount"])
    _deal_event(
        deal,
        "deal.created",
        actor,
        f"Deal {deal.name} created in {stage.name}",
        {"stage": stage.pk, "amount": str(deal.amount), "owner": owner.pk},
    )
    return deal


@transaction.atomic
def deal_update(*, actor: User, deal: Deal, version: int, data: dict) -> Deal:
    """Edit a deal's details. Stage and status change through move, win, lose and reopen."""
    if version is None:
        raise ValidationError({"version": "Send the version of the deal you edited."})
    deal = _locked(deal, version)
    data = dict(data)
    contacts = data.pop("contacts", None)
    unknown = set(data) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    if "owner" in data and data["owner"] != deal.owner:
        check_owner(actor=actor, owner=data["owner"], records="deals")
    if "amount" in data:
        data["amount"] = _money(data["amount"], "amount")
        if data["amount"] != deal.amount and deal.line_items.exists():
            raise ValidationError(
                {"amount": "The amount is the total of the line items: change those instead."}
            )
    if "deal_type" in data and data["deal_type"] not in DEAL_TYPES:
        raise ValidationError({"deal_type": "Choose new business, up-sell, cross-sell or renewal."})
    if "forecast_category" in data and data["forecast_category"] != deal.forecast_category:
        category = data["forecast_category"]
        if category not in FORECAST_CATEGORIES:
            raise ValidationError({"forecast_category": "Choose a forecast category."})
        if not deal.is_open:
            raise ValidationError(
                {"forecast_category": "A closed deal's category follows its result."}
            )
        if category == Deal.ForecastCategory.CLOSED:
            raise ValidationError(
                {"forecast_category": "Closed is set when the deal is won; choose another."}
            )
    if "currency" in data:
        data["currency"] = (data["currency"] or "").upper()
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    account = data.get("account", deal.account)
    if account is None:
        raise ValidationError({"account": "Choose the account the deal is with."})
    primary_contact = data.get("primary_contact", deal.primary_contact)
    current_contacts = list(deal.contacts.all())
    _check_contacts(account, primary_contact)

    changes = apply_changes(deal, DEAL_FIELDS, data)
    new_contacts = None
    if contacts is not None or (primary_contact is not None and "primary_contact" in changes):
        wanted = list(contacts) if contacts is not None else list(current_contacts)
        if primary_contact is not None and primary_contact not in wanted:
            wanted.append(primary_contact)
        if {c.pk for c in wanted} != {c.pk for c in current_contacts}:
            new_contacts = wanted
            changes["contacts"] = [
                sorted(c.full_name for c in current_contacts),
                sorted(c.full_name for c in wanted),
            ]
    if not changes:
        return deal
    deal.full_clean()
    deal.version += 1
    deal.save(update_fields=[f for f in DEAL_FIELDS if f in changes] + ["version", "updated_at"])
    if new_contacts is not None:
        deal.contacts.set(new_contacts)
    _deal_event(
        deal,
        "deal.updated",
        actor,
        "Changed " + ", ".join(field.replace("_", " ") for field in sorted(changes)),
        {"changes": changes, "version": deal.version},
    )
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal) -> None:
    """Move a deal to the recycle bin (restorable with its stage history and line items).
    Won deals are results and stay."""
    deal = _locked(deal)
    if deal.status == Deal.Status.WON:
        raise ValidationError(
            {"deal": "A won deal counts in the results and cannot be deleted: reopen it first."}
        )
    record_event(
        subject=deal.account,
        name="deal.deleted",
        actor=actor,
        summary=f"Deal {deal.name} moved to the recycle bin",
        data={"deal": deal.pk, "name": deal.name, "amount": str(deal.amount)},
        also=[deal.primary_contact],
    )
    move_to_bin(deal, actor=actor)


def _check_open(deal, action):
    if not deal.is_open:
        raise ValidationError(
            {
                "status": f"The deal is already {deal.get_status_display().lower()}: reopen it to {action}."
            }
        )


def _closing_stage(deal, kind):
    stage = deal.pipeline.stages.filter(kind=kind).order_by("order", "id").first()
    if stage is None:
        label = "won" if kind == Stage.Kind.WON else "lost"
        raise ValidationError(
            {"stage": f"The {deal.pipeline.name} pipeline has no closed {label} stage yet."}
        )
    return stage


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage: Stage,
    exit_criteria_confirmed=(),
    version: int | None = None,
    lost_reason: LostReason | None = None,
    lost_reason_detail: str = "",
) -> Deal:
    """Move a deal to another stage of its pipeline.

    Moving forward needs every exit criterion of the current stage confirmed. Moving into
    the won or lost stage goes through deal_win or deal_lose (a lost reason is needed).
    """
    if stage is None:
        raise ValidationError({"stage": "Choose the stage to move the deal to."})
    if stage.kind == Stage.Kind.WON:
        return deal_win(
            actor=actor,
            deal=deal,
            exit_criteria_confirmed=exit_criteria_confirmed,
            version=version,
            stage=stage,
        )
    if stage.kind == Stage.Kind.LOST:
        return deal_lose(
            actor=actor,
            deal=deal,
            reason=lost_reason,
            detail=lost_reason_detail,
            version=version,
            stage=stage,
        )
    deal = _locked(deal, version)
    _check_open(deal, "move it")
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": f"Choose a stage of the {deal.pipeline.name} pipeline."})
    current = deal.stage
    if stage.pk == current.pk:
        raise ValidationError({"stage": f"The deal is already in {stage.name}."})
    forward = (stage.order, stage.pk) > (current.order, current.pk)
    confirmed = _confirmed_criteria(current, exit_criteria_confirmed) if forward else []
    if forward:
        _check_stage_gates(deal=deal, from_stage=current, to_stage=stage, actor=actor)
    now = timezone.now()
    deal.stage = stage
    deal.stage_entered_at = now
    if stage.default_forecast_category:
        deal.forecast_category = stage.default_forecast_category
    deal.version += 1
    deal.save(
        update_fields=["stage", "stage_entered_at", "forecast_category", "version", "updated_at"]
    )
    _record_stage_change(deal, current, stage, actor, confirmed, now)
    _deal_event(
        deal,
        "deal.stage_changed",
        actor,
        f"Moved from {current.name} to {stage.name}",
        {
            "from_stage": current.pk,
            "to_stage": stage.pk,
            "from_stage_name": current.name,
            "to_stage_name": stage.name,
            "exit_criteria_confirmed": confirmed,
        },
    )
    return deal


@transaction.atomic
def deal_win(
    *,
    actor: User,
    deal: Deal,
    exit_criteria_confirmed=(),
    version: int | None = None,
    stage: Stage | None = None,
) -> Deal:
    """Close a deal as won: the won stage, category closed, closed_at now."""
    deal = _locked(deal, version)
    _check_open(deal, "win it again")
    won = stage or _closing_stage(deal, Stage.Kind.WON)
    if won.pipeline_id != deal.pipeline_id or won.kind != Stage.Kind.WON:
        raise ValidationError({"stage": "Choose the won stage of the deal's pipeline."})
    current = deal.stage
    confirmed = _confirmed_criteria(current, exit_criteria_confirmed)
    _check_stage_gates(deal=deal, from_stage=current, to_stage=won, actor=actor)
    now = timezone.now()
    deal.stage = won
    deal.stage_entered_at = now
    deal.status = Deal.Status.WON
    deal.closed_at = now
    deal.forecast_category = Deal.ForecastCategory.CLOSED
    deal.lost_reason = None
    deal.lost_reason_detail = ""
    deal.version += 1
    deal.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "status",
            "closed_at",
            "forecast_category",
            "lost_reason",
            "lost_reason_detail",
            "version",
            "updated_at",
        ]
    )
    _record_stage_change(deal, current, won, actor, confirmed, now)
    _deal_event(
        deal,
        "deal.won",
        actor,
        f"Won {deal.name} ({deal.currency} {deal.amount:,.0f})",
        {
            "from_stage": current.pk,
            "to_stage": won.pk,
            "amount": str(deal.amount),
            "exit_criteria_confirmed": confirmed,
        },
    )
    return deal


@transaction.atomic
def deal_lose(
    *,
    actor: User,
    deal: Deal,
    reason: LostReason | None = None,
    detail: str = "",
    version: int | None = None,
    stage: Stage | None = None,
) -> Deal:
    """Close a deal as lost. A reason is required: one from the list, free text, or both."""
    detail = (detail or "").strip()
    if reason is None and not detail:
        raise ValidationError(
            {"reason": "Say why the deal was lost: pick a reason or describe it."},
            code="required",
        )
    if reason is not None and not reason.is_active:
        raise ValidationError({"reason": f"“{reason.name}” is no longer in the list of reasons."})
    deal = _locked(deal, version)
    _check_open(deal, "lose it")
    lost = stage or _closing_stage(deal, Stage.Kind.LOST)
    if lost.pipeline_id != deal.pipeline_id or lost.kind != Stage.Kind.LOST:
        raise ValidationError({"stage": "Choose the lost stage of the deal's pipeline."})
    current = deal.stage
    now = timezone.now()
    deal.stage = lost
    deal.stage_entered_at = now
    deal.status = Deal.Status.LOST
    deal.closed_at = now
    deal.forecast_category = Deal.ForecastCategory.OMITTED
    deal.lost_reason = reason
    deal.lost_reason_detail = detail
    deal.version += 1
    deal.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "status",
            "closed_at",
            "forecast_category",
            "lost_reason",
            "lost_reason_detail",
            "version",
            "updated_at",
        ]
    )
    _record_stage_change(deal, current, lost, actor, [], now)
    because = " – ".join(part for part in (reason.name if reason else "", detail) if part)
    _deal_event(
        deal,
        "deal.lost",
        actor,
        f"Lost {deal.name}: {because}",
        {
            "from_stage": current.pk,
            "to_stage": lost.pk,
            "reason": reason.pk if reason else None,
            "reason_name": reason.name if reason else "",
            "detail": detail,
        },
    )
    return deal


@transaction.atomic
def deal_reopen(
    *, actor: User, deal: Deal, stage: Stage | None = None, version: int | None = None
) -> Deal:
    """Open a won or lost deal again, in the stage given or the one it closed from."""
    deal = _locked(deal, version)
    if deal.is_open:
        raise ValidationError({"status": "The deal is already open."})
    if stage is None:
        last_close = (
            deal.stage_history.filter(to_stage=deal.stage, from_stage__kind=Stage.Kind.OPEN)
            .select_related("from_stage")
            .order_by("-changed_at", "-id")
            .first()
        )
        stage = last_close.from_stage if last_close else first_open_stage(deal.pipeline)
    if stage is None or stage.pipeline_id != deal.pipeline_id or stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "Choose an open stage of the deal's pipeline."})
    current = deal.stage
    was = deal.get_status_display().lower()
    now = timezone.now()
    deal.stage = stage
    deal.stage_entered_at = now
    deal.status = Deal.Status.OPEN
    deal.closed_at = None
    deal.lost_reason = None
    deal.lost_reason_detail = ""
    deal.forecast_category = stage.default_forecast_category or Deal.ForecastCategory.PIPELINE
    deal.version += 1
    deal.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "status",
            "closed_at",
            "lost_reason",
            "lost_reason_detail",
            "forecast_category",
            "version",
            "updated_at",
        ]
    )
    _record_stage_change(deal, current, stage, actor, [], now)
    _deal_event(
        deal,
        "deal.reopened",
        actor,
        f"Reopened (was {was}) in {stage.name}",
        {"from_stage": current.pk, "to_stage": stage.pk, "was": was},
    )
    return deal


# ---------------------------------------------------------------- line items


def _line_item_values(product, quantity, unit_price, discount_percent):
    quantity = _money(quantity if quantity is not None else 1, "quantity")
    if quantity <= 0:
        raise ValidationError({"quantity": "The quantity must be more than zero."})
    unit_price = _money(
        unit_price if unit_price not in (None, "") else product.unit_price, "unit_price"
    )
    discount = _money(
        discount_percent if discount_percent not in (None, "") else 0, "discount_percent"
    )
    if discount > 100:
        raise ValidationError({"discount_percent": "A discount is between 0 and 100 percent."})
    return quantity, unit_price, discount


def _build_line_item(deal, *, product, quantity=1, unit_price=None, discount_percent=0):
    if product is None:
        raise ValidationError({"product": "Choose a product."})
    if not product.is_active:
        raise ValidationError({"product": f"{product.name} is no longer sold."})
    quantity, unit_price, discount = _line_item_values(
        product, quantity, unit_price, discount_percent
    )
    item = LineItem(
        deal=deal,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount,
    )
    item.full_clean(exclude=["deal"])
    return item


def _after_line_items_change(deal, actor, summary, data):
    """The deal's amount follows its line items; one version bump and one event."""
    before = deal.amount
    if deal.line_items.exists():
        deal.amount = _line_items_total(deal)
    deal.version += 1
    deal.save(update_fields=["amount", "version", "updated_at"])
    changes = {"amount": [str(before), str(deal.amount)]} if before != deal.amount else {}
    _deal_event(
        deal,
        "deal.updated",
        actor,
        summary,
        {**data, "changes": changes, "version": deal.version},
    )


@transaction.atomic
def line_item_add(
    *,
    actor: User,
    deal: Deal,
    product: Product,
    quantity=1,
    unit_price=None,
    discount_percent=0,
    version: int | None = None,
) -> LineItem:
    deal = _locked(deal, version)
    _check_open(deal, "change its line items")
    item = _build_line_item(
        deal,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount_percent,
    )
    item.save()
    _after_line_items_change(
        deal,
        actor,
        f"Added {item.quantity.normalize():f} × {product.name}",
        {"line_item": item.pk, "product": product.pk},
    )
    item.deal = deal
    return item


@transaction.atomic
def line_item_update(
    *, actor: User, line_item: LineItem, data: dict, version: int | None = None
) -> LineItem:
    deal = _locked(line_item.deal, version)
    _check_open(deal, "change its line items")
    item = LineItem.objects.select_related("product").get(pk=line_item.pk)
    unknown = set(data) - {"quantity", "unit_price", "discount_percent"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    quantity, unit_price, discount = _line_item_values(
        item.product,
        data.get("quantity", item.quantity),
        data.get("unit_price", item.unit_price),
        data.get("discount_percent", item.discount_percent),
    )
    changes = {}
    for field, value in (
        ("quantity", quantity),
        ("unit_price", unit_price),
        ("discount_percent", discount),
    ):
        if getattr(item, field) != value:
            changes[field] = [str(getattr(item, field)), str(value)]
            setattr(item, field, value)
    if not changes:
        return item
    item.full_clean(exclude=["deal"])
    item.save(update_fields=list(changes))
    _after_line_items_change(
        deal,
        actor,
        f"Changed the {item.product.name} line",
        {"line_item": item.pk, "line_changes": changes},
    )
    item.deal = deal
    return item


@transaction.atomic
def line_item_remove(*, actor: User, line_item: LineItem, version: int | None = None) -> Deal:
    deal = _locked(line_item.deal, version)
    _check_open(deal, "change its line items")
    item = LineItem.objects.select_related("product").get(pk=line_item.pk)
    name = item.product.name
    item.delete()
    _after_line_items_change(deal, actor, f"Removed the {name} line", {"product": item.product_id})
    return deal


# ---------------------------------------------------------------- configuration (admins)


def _config_event(subject, name, actor, summary, data=None):
    record_event(subject=subject, name=name, actor=actor, summary=summary, data=data or {})


def _save_config_changes(obj, changes, *, actor, name, label):
    """Validate and save the changed fields of a configuration record, and log them."""
    obj.full_clean()
    obj.save(update_fields=list(changes))
    _config_event(
        obj, name, actor, f"{label}: changed " + ", ".join(sorted(changes)), {"changes": changes}
    )


def _clean_name(value, field="name", what="It"):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"{what} needs a name."})
    return value


def _clean_exit_criteria(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"exit_criteria": "Give the exit criteria as a list of checks."})
    cleaned, seen = [], set()
    for item in value:
        text = " ".join(str(item).split())
        if not text or _normalise(text) in seen:
            continue
        if len(text) > 200:
            raise ValidationError({"exit_criteria": "Keep each criterion under 200 characters."})
        seen.add(_normalise(text))
        cleaned.append(text)
    if len(cleaned) > MAX_EXIT_CRITERIA:
        raise ValidationError(
            {"exit_criteria": f"A stage has at most {MAX_EXIT_CRITERIA} exit criteria."}
        )
    return cleaned


def _clean_stage_values(values, kind):
    probability = values.get("probability")
    if kind == Stage.Kind.WON:
        probability = 100
    elif kind == Stage.Kind.LOST:
        probability = 0
    try:
        probability = int(probability if probability is not None else 10)
    except (TypeError, ValueError):
        raise ValidationError({"probability": "Enter a whole number of percent."})
    if not 0 <= probability <= 100:
        raise ValidationError({"probability": "The win probability is between 0 and 100."})
    stalled = values.get("stalled_after_days")
    if stalled in ("", None) or kind != Stage.Kind.OPEN:
        stalled = None
    else:
        try:
            stalled = int(stalled)
        except (TypeError, ValueError):
            raise ValidationError({"stalled_after_days": "Enter a number of days."})
        if not 1 <= stalled <= 3650:
            raise ValidationError({"stalled_after_days": "Enter between 1 and 3650 days."})
    category = values.get("default_forecast_category") or ""
    if kind == Stage.Kind.WON:
        category = Deal.ForecastCategory.CLOSED
    elif kind == Stage.Kind.LOST:
        category = Deal.ForecastCategory.OMITTED
    elif category not in FORECAST_CATEGORIES and category:
        raise ValidationError({"default_forecast_category": "Choose a forecast category."})
    elif category == Deal.ForecastCategory.CLOSED:
        raise ValidationError(
            {"default_forecast_category": "Only the won stage puts deals in Closed."}
        )
    return {
        "probability": probability,
        "stalled_after_days": stalled,
        "default_forecast_category": category,
        "exit_criteria": _clean_exit_criteria(values.get("exit_criteria"))
        if kind == Stage.Kind.OPEN
        else [],
    }


def _set_only_default(pipeline):
    Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).update(is_default=False)


@transaction.atomic
def pipeline_create(
    *,
    actor: User,
    name: str,
    is_default: bool = False,
    is_active: bool = True,
    order: int = 0,
    stages: list[dict] | None = None,
) -> Pipeline:
    """A pipeline with its stages. Without stages given it gets Closed won and Closed lost,
    and the admin adds the open stages."""
    name = _clean_name(name, what="A pipeline")
    if Pipeline.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A pipeline called “{name}” already exists."})
    if is_default and not is_active:
        raise ValidationError({"is_default": "The default pipeline must be in use."})
    first = not Pipeline.objects.exists()
    pipeline = Pipeline.objects.create(
        name=name, is_default=is_default or first, is_active=is_active, order=order or 0
    )
    if pipeline.is_default:
        _set_only_default(pipeline)
    plan = list(stages or [])
    kinds = [s.get("kind", Stage.Kind.OPEN) for s in plan]
    if Stage.Kind.WON not in kinds:
        plan.append({"name": "Closed won", "kind": Stage.Kind.WON})
    if Stage.Kind.LOST not in kinds:
        plan.append({"name": "Closed lost", "kind": Stage.Kind.LOST})
    for position, values in enumerate(plan):
        _stage_create(pipeline, values, position)
    _check_closing_stages(pipeline)
    _renumber(pipeline)
    _config_event(
        pipeline,
        "pipeline.created",
        actor,
        f"Pipeline {name} created",
        {"stages": [s["name"] for s in plan]},
    )
    return pipeline


def _check_closing_stages(pipeline):
    counts = dict.fromkeys(Stage.Kind.values, 0)
    for kind in pipeline.stages.values_list("kind", flat=True):
        counts[kind] += 1
    if counts[Stage.Kind.WON] != 1 or counts[Stage.Kind.LOST] != 1:
        raise ValidationError(
            {"stages": "A pipeline has exactly one closed won and one closed lost stage."}
        )


@transaction.atomic
def pipeline_update(*, actor: User, pipeline: Pipeline, data: dict) -> Pipeline:
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    unknown = set(data) - {"name", "is_default", "is_active", "order"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = _clean_name(values["name"], what="A pipeline")
        if Pipeline.objects.filter(name__iexact=values["name"]).exclude(pk=pipeline.pk).exists():
            raise ValidationError({"name": f"A pipeline called “{values['name']}” already exists."})
    is_default = values.get("is_default", pipeline.is_default)
    is_active = values.get("is_active", pipeline.is_active)
    if is_default and not is_active:
        raise ValidationError(
            {"is_active": "The default pipeline stays in use: make another one the default first."}
        )
    if pipeline.is_default and not is_default:
        raise ValidationError(
            {"is_default": "Make another pipeline the default instead; one always is."}
        )
    changes = apply_changes(pipeline, None, values)
    if not changes:
        return pipeline
    pipeline.full_clean()
    pipeline.save(update_fields=list(changes))
    if pipeline.is_default:
        _set_only_default(pipeline)
    _config_event(
        pipeline,
        "pipeline.updated",
        actor,
        f"Pipeline {pipeline.name}: changed " + ", ".join(sorted(changes)),
        {"changes": changes},
    )
    return pipeline


@transaction.atomic
def pipeline_delete(*, actor: User, pipeline: Pipeline) -> None:
    if pipeline.deals.exists():
        raise ValidationError(
            {"pipeline": "Deals use this pipeline: stop using it (untick “in use”) instead."}
        )
    if pipeline.is_default:
        raise ValidationError({"pipeline": "Make another pipeline the default first."})
    _config_event(pipeline, "pipeline.deleted", actor, f"Pipeline {pipeline.name} deleted")
    pipeline.delete()


def _stage_create(pipeline, values, position):
    kind = values.get("kind") or Stage.Kind.OPEN
    if kind not in Stage.Kind.values:
        raise ValidationError({"kind": "Choose open, closed won or closed lost."})
    name = _clean_name(values.get("name"), what="A stage")
    if pipeline.stages.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{pipeline.name} already has a stage called “{name}”."})
    cleaned = _clean_stage_values(values, kind)
    order = values.get("order")
    if order in (None, ""):
        order = position
    stage = Stage(pipeline=pipeline, name=name, kind=kind, order=int(order), **cleaned)
    stage.full_clean()
    stage.save()
    return stage


def _renumber(pipeline, open_stages=None):
    """Consecutive orders: the open stages as given (or as they are), then won, then lost."""
    stages = list(pipeline.stages.order_by("order", "id"))
    if open_stages is None:
        open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
    ordered = list(open_stages)
    ordered += [s for s in stages if s.kind == Stage.Kind.WON]
    ordered += [s for s in stages if s.kind == Stage.Kind.LOST]
    for position, stage in enumerate(ordered):
        if stage.order != position:
            stage.order = position
            Stage.objects.filter(pk=stage.pk).update(order=position)
    return ordered


@transaction.atomic
def stage_create(
    *,
    actor: User,
    pipeline: Pipeline,
    name: str,
    kind: str = Stage.Kind.OPEN,
    order: int | None = None,
    probability: int = 10,
    stalled_after_days: int | None = None,
    exit_criteria=(),
    default_forecast_category: str = "",
) -> Stage:
    """Add an open stage at position `order` among the open stages (last when not given)."""
    if kind != Stage.Kind.OPEN:
        raise ValidationError({"kind": "A pipeline has one won and one lost stage already."})
    open_stages = list(pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id"))
    try:
        position = len(open_stages) if order in (None, "") else int(order)
    except (TypeError, ValueError):
        raise ValidationError({"order": "Enter a position number."})
    position = max(0, min(position, len(open_stages)))
    stage = _stage_create(
        pipeline,
        {
            "name": name,
            "kind": kind,
            "order": position,
            "probability": probability,
            "stalled_after_days": stalled_after_days,
            "exit_criteria": exit_criteria,
            "default_forecast_category": default_forecast_category,
        },
        position,
    )
    open_stages.insert(position, stage)
    _renumber(pipeline, open_stages)
    _config_event(
        pipeline,
        "pipeline.stage_added",
        actor,
        f"Stage {stage.name} added to {pipeline.name}",
        {"stage": stage.pk},
    )
    return stage


STAGE_FIELDS = [
    "name",
    "order",
    "probability",
    "stalled_after_days",
    "exit_criteria",
    "default_forecast_category",
]


@transaction.atomic
def stage_update(*, actor: User, stage: Stage, data: dict) -> Stage:
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    unknown = set(data) - set(STAGE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = {field: data.get(field, getattr(stage, field)) for field in STAGE_FIELDS}
    values["name"] = _clean_name(values["name"], what="A stage")
    if stage.pipeline.stages.filter(name__iexact=values["name"]).exclude(pk=stage.pk).exists():
        raise ValidationError(
            {"name": f"{stage.pipeline.name} already has a stage called “{values['name']}”."}
        )
    try:
        values["order"] = int(values["order"])
    except (TypeError, ValueError):
        raise ValidationError({"order": "Enter a position number."})
    values.update(_clean_stage_values(values, stage.kind))
    changes = apply_changes(stage, STAGE_FIELDS, values)
    if not changes:
        return stage
    stage.full_clean()
    stage.save(update_fields=list(changes))
    if "order" in changes:
        _renumber(stage.pipeline)
    _config_event(
        stage.pipeline,
        "pipeline.stage_changed",
        actor,
        f"Stage {stage.name}: changed " + ", ".join(sorted(changes)),
        {"stage": stage.pk, "changes": changes},
    )
    return stage


@transaction.atomic
def stage_reorder(*, actor: User, pipeline: Pipeline, stage_ids: list[int]) -> list[Stage]:
    """Put the open stages in the order given; the won and lost stages stay last."""
    stages = {s.pk: s for s in pipeline.stages.select_for_update()}
    open_ids = [pk for pk, s in stages.items() if s.kind == Stage.Kind.OPEN]
    try:
        wanted = [int(pk) for pk in stage_ids]
    except (TypeError, ValueError):
        raise ValidationError({"stages": "Give the stage ids in their new order."})
    if sorted(wanted) != sorted(open_ids):
        raise ValidationError({"stages": "List every open stage of the pipeline exactly once."})
    ordered = _renumber(pipeline, [stages[pk] for pk in wanted])
    _config_event(
        pipeline,
        "pipeline.stages_reordered",
        actor,
        f"Stages of {pipeline.name} reordered: " + ", ".join(s.name for s in ordered),
        {"order": [s.pk for s in ordered]},
    )
    return ordered


@transaction.atomic
def stage_delete(*, actor: User, stage: Stage) -> None:
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": "A pipeline keeps its won and lost stages."})
    if stage.deals.exists():
        raise ValidationError({"stage": "Deals are in this stage: move them elsewhere first."})
    if (
        StageChange.objects.filter(from_stage=stage).exists()
        or StageChange.objects.filter(to_stage=stage).exists()
    ):
        raise ValidationError(
            {
                "stage": "Deals have been through this stage and their history names it: rename it "
                "instead."
            }
        )
    pipeline = stage.pipeline
    if pipeline.stages.filter(kind=Stage.Kind.OPEN).count() == 1:
        raise ValidationError({"stage": "A pipeline needs at least one open stage."})
    _config_event(
        pipeline,
        "pipeline.stage_removed",
        actor,
        f"Stage {stage.name} removed from {pipeline.name}",
    )
    stage.delete()


@transaction.atomic
def product_create(
    *, actor: User, name: str, code: str, unit_price, is_active: bool = True
) -> Product:
    name = _clean_name(name, what="A product")
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({"code": "A product needs a code."})
    if Product.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": f"The code {code} is taken."})
    product = Product(
        name=name, code=code, unit_price=_money(unit_price, "unit_price"), is_active=is_active
    )
    product.full_clean()
    product.save()
    _config_event(product, "product.created", actor, f"Product {name} ({code}) added")
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, data: dict) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    unknown = set(data) - {"name", "code", "unit_price", "is_active"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = _clean_name(values["name"], what="A product")
    if "code" in values:
        values["code"] = (values["code"] or "").strip().upper()
        if not values["code"]:
            raise ValidationError({"code": "A product needs a code."})
        if Product.objects.filter(code__iexact=values["code"]).exclude(pk=product.pk).exists():
            raise ValidationError({"code": f"The code {values['code']} is taken."})
    if "unit_price" in values:
        values["unit_price"] = _money(values["unit_price"], "unit_price")
    changes = apply_changes(product, None, values)
    if not changes:
        return product
    _save_config_changes(
        product, changes, actor=actor, name="product.updated", label=f"Product {product.name}"
    )
    return product


@transaction.atomic
def lost_reason_create(*, actor: User, name: str, is_active: bool = True) -> LostReason:
    name = _clean_name(name, what="A lost reason")
    if LostReason.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"“{name}” is already a lost reason."})
    reason = LostReason(name=name, is_active=is_active)
    reason.full_clean()
    reason.save()
    _config_event(reason, "lost_reason.created", actor, f"Lost reason {name} added")
    return reason


@transaction.atomic
def lost_reason_update(*, actor: User, reason: LostReason, data: dict) -> LostReason:
    reason = LostReason.objects.select_for_update().get(pk=reason.pk)
    unknown = set(data) - {"name", "is_active"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = _clean_name(values["name"], what="A lost reason")
        if LostReason.objects.filter(name__iexact=values["name"]).exclude(pk=reason.pk).exists():
            raise ValidationError({"name": f"“{values['name']}” is already a lost reason."})
    changes = apply_changes(reason, None, values)
    if not changes:
        return reason
    _save_config_changes(
        reason, changes, actor=actor, name="lost_reason.updated", label=f"Lost reason {reason.name}"
    )
    return reason


# -- handing a person's records to someone else (salesproc.handover) -------------------


def deal_reassign_open(*, from_user: User, to_user: User, actor: User | None) -> int:
    """Open deals go to to_user (won and lost ones stay in from_user's history). The
    version moves on, so an edit form opened before the handover is refused, not lost."""
    from salesproc.handover import reassign_owned

    return reassign_owned(
        Deal.objects.filter(status=Deal.Status.OPEN),
        from_user=from_user,
        to_user=to_user,
        actor=actor,
        event_name="deal.reassigned",
        bump_version=True,
    )
