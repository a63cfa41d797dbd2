"""The opportunity plan on a deal and its parts: stakeholders, competitors, next steps."""

import dataclasses
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Contact
from deals.models import Deal
from opportunities.completeness import PlanFacts, assess
from opportunities.models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    PlanActionItem,
    Stakeholder,
    WinStrategy,
)
from salesproc.errors import StaleVersion
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import check_owner, display_value

from .catalogue import current_prompt_version


@dataclasses.dataclass(frozen=True)
class PlanFields:
    """Everything a rep writes on the plan itself (forms and serializers build it)."""

    problem: str = ""
    impact: str = ""
    impact_amount: Decimal | None = None
    desired_outcome: str = ""
    decision_process: str = ""
    decision_date: datetime.date | None = None
    strategy: WinStrategy | None = None
    strategy_notes: str = ""
    answers: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, plan: OpportunityPlan, **changes) -> "PlanFields":
        current = {f.name: getattr(plan, f.name) for f in dataclasses.fields(cls)}
        current.update(changes)
        return cls(**current)


def _event(deal, name, actor, summary, data=None):
    record_event(
        subject=deal, name=name, actor=actor, summary=summary, data=data or {}, also=[deal.account]
    )


def _require_open(deal):
    if not deal.is_open:
        raise ValidationError(
            {"deal": f"{deal.name} is closed: reopen it to change its opportunity plan."}
        )


def plan_refresh(*, deal: Deal, touch: bool = True) -> OpportunityPlan | None:
    """Recompute the plan's completeness and what is missing (after any change to it)."""
    plan = OpportunityPlan.objects.select_related("prompt_version").filter(deal=deal).first()
    if plan is None:
        return None
    facts = PlanFacts(
        problem=plan.problem,
        impact=plan.impact,
        impact_amount=plan.impact_amount,
        desired_outcome=plan.desired_outcome,
        decision_process=plan.decision_process,
        decision_date=plan.decision_date,
        strategy_id=plan.strategy_id,
        answers=plan.answers or {},
        extra_prompts=plan.prompt_version.extra_prompts,
        roles=frozenset(
            Stakeholder.objects.filter(deal=deal).values_list("buying_role", flat=True)
        ),
        competitors=DealCompetitor.objects.filter(deal=deal).count(),
        open_steps_with_date=PlanActionItem.objects.filter(
            deal=deal, done_at__isnull=True, due_date__isnull=False
        ).count(),
    )
    plan.completeness, plan.missing = assess(facts)
    fields = ["completeness", "missing"]
    if touch:
        plan.touched_at = timezone.now()
        fields.append("touched_at")
    OpportunityPlan.objects.filter(pk=plan.pk).update(**{f: getattr(plan, f) for f in fields})
    return plan


def _ensure_plan(*, actor, deal):
    plan = OpportunityPlan.objects.filter(deal=deal).first()
    return plan or plan_create(actor=actor, deal=deal)


@transaction.atomic
def plan_create(*, actor: User, deal: Deal) -> OpportunityPlan:
    """Start the plan of a deal, against the current wording of the prompts."""
    _require_open(deal)
    if OpportunityPlan.objects.filter(deal=deal).exists():
        raise ValidationError({"deal": f"{deal.name} already has an opportunity plan."})
    try:
        with transaction.atomic():
            OpportunityPlan.objects.create(
                deal=deal, prompt_version=current_prompt_version(), created_by=actor
            )
    except IntegrityError:  # two first saves at once
        raise ValidationError({"deal": f"{deal.name} already has an opportunity plan."})
    _event(deal, "opportunity_plan.updated", actor, f"Opportunity plan started for {deal.name}")
    return plan_refresh(deal=deal)


@transaction.atomic
def plan_update(
    *, actor: User, plan: OpportunityPlan, fields: PlanFields, version: int | None = None
) -> OpportunityPlan:
    """Save the plan; a write based on an older version is refused (StaleVersion)."""
    current = (
        OpportunityPlan.objects.select_for_update()
        .select_related("deal", "deal__account", "prompt_version")
        .get(pk=plan.pk)
    )
    if version is not None and int(version) != current.version:
        raise StaleVersion(
            "Someone else changed this plan while you were working on it (you had version "
            f"{version}, it is now at version {current.version}). Nothing was saved: reload "
            "it to see their changes, then make yours again.",
            current_version=current.version,
        )
    _require_open(current.deal)
    errors = {}
    if fields.impact_amount is not None and fields.impact_amount < 0:
        errors["impact_amount"] = "The impact is an amount per year: zero or more."
    if fields.strategy is not None and not fields.strategy.is_active:
        errors["strategy"] = f"“{fields.strategy.name}” is no longer in the list of strategies."
    known = {str(p["id"]) for p in current.prompt_version.extra_prompts}
    unknown = sorted(set(map(str, fields.answers)) - known)
    if unknown:
        errors["answers"] = "These questions are not part of this plan: " + ", ".join(unknown)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in dataclasses.asdict(fields).items():
        if name == "strategy":
            value = fields.strategy
        if name == "answers":
            value = {str(k): str(v).strip() for k, v in fields.answers.items()}
        elif isinstance(value, str):
            value = value.strip()
        before = getattr(current, name)
        if before != value:
            changes[name] = [display_value(before), display_value(value)]
            setattr(current, name, value)
    if not changes:
        return current
    current.version += 1
    current.touched_at = timezone.now()
    current.save(update_fields=[*changes, "version", "touched_at"])
    plan_refresh(deal=current.deal)
    _event(
        current.deal,
        "opportunity_plan.updated",
        actor,
        f"Opportunity plan updated: {', '.join(n.replace('_', ' ') for n in changes)}",
        {"changes": changes, "version": current.version},
    )
    current.refresh_from_db()
    return current


# Stakeholders


def _check_contact(deal, contact):
    if contact.account_id != deal.account_id:
        raise ValidationError(
            {
                "contact": f"{contact.full_name} is not a contact of {deal.account.name}: "
                "a stakeholder must be one of the account's people (add them to the account "
                "first)."
            }
        )


@transaction.atomic
def stakeholder_add(
    *,
    actor: User,
    deal: Deal,
    contact: Contact,
    buying_role: str,
    stance: str = Stakeholder.Stance.UNKNOWN,
    influence: str = Stakeholder.Influence.MEDIUM,
    cares_about: str = "",
) -> Stakeholder:
    _require_open(deal)
    _check_contact(deal, contact)
    if Stakeholder.objects.filter(deal=deal, contact=contact).exists():
        raise ValidationError({"contact": f"{contact.full_name} is already a stakeholder."})
    stakeholder = Stakeholder(
        deal=deal,
        contact=contact,
        buying_role=buying_role,
        stance=stance,
        influence=influence,
        cares_about=cares_about.strip(),
    )
    stakeholder.full_clean(exclude=["deal", "contact"])
    _ensure_plan(actor=actor, deal=deal)
    stakeholder.save()
    plan_refresh(deal=deal)
    _event(
        deal,
        "stakeholder.added",
        actor,
        f"Stakeholder added: {contact.full_name} ({stakeholder.get_buying_role_display()})",
        {"contact": contact.pk, "buying_role": buying_role, "stance": stance},
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *,
    actor: User,
    stakeholder: Stakeholder,
    buying_role: str,
    stance: str,
    influence: str,
    cares_about: str = "",
) -> Stakeholder:
    deal = stakeholder.deal
    _require_open(deal)
    stakeholder.buying_role = buying_role
    stakeholder.stance = stance
    stakeholder.influence = influence
    stakeholder.cares_about = cares_about.strip()
    stakeholder.full_clean(exclude=["deal", "contact"])
    stakeholder.save(update_fields=["buying_role", "stance", "influence", "cares_about"])
    plan_refresh(deal=deal)
    _event(
        deal,
        "stakeholder.updated",
        actor,
        f"Stakeholder {stakeholder.contact.full_name}: {stakeholder.get_buying_role_display()}, "
        f"{stakeholder.get_stance_display().lower()}, {stakeholder.get_influence_display().lower()}"
        " influence",
        {"contact": stakeholder.contact_id, "buying_role": buying_role, "stance": stance},
    )
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, actor: User, stakeholder: Stakeholder) -> None:
    deal = stakeholder.deal
    _require_open(deal)
    name = stakeholder.contact.full_name
    stakeholder.delete()
    plan_refresh(deal=deal)
    _event(deal, "stakeholder.removed", actor, f"Stakeholder removed: {name}")


# Competitors on the deal


@transaction.atomic
def deal_competitor_add(
    *,
    actor: User,
    deal: Deal,
    competitor: Competitor,
    status: str = DealCompetitor.Status.ACTIVE,
    strengths: str = "",
    weaknesses: str = "",
    positioning: str = "",
) -> DealCompetitor:
    _require_open(deal)
    if not competitor.is_active:
        raise ValidationError({"competitor": f"“{competitor.name}” is no longer in the catalogue."})
    if DealCompetitor.objects.filter(deal=deal, competitor=competitor).exists():
        raise ValidationError({"competitor": f"{competitor.name} is already on this deal."})
    item = DealCompetitor(
        deal=deal,
        competitor=competitor,
        status=status,
        strengths=strengths.strip(),
        weaknesses=weaknesses.strip(),
        positioning=positioning.strip(),
    )
    item.full_clean(exclude=["deal", "competitor"])
    _ensure_plan(actor=actor, deal=deal)
    item.save()
    plan_refresh(deal=deal)
    _event(
        deal,
        "deal_competitor.changed",
        actor,
        f"Competitor added: {competitor.name} ({item.get_status_display().lower()})",
        {"competitor": competitor.pk, "status": status, "change": "added"},
    )
    return item


@transaction.atomic
def deal_competitor_update(
    *,
    actor: User,
    deal_competitor: DealCompetitor,
    status: str,
    strengths: str = "",
    weaknesses: str = "",
    positioning: str = "",
) -> DealCompetitor:
    item = deal_competitor
    _require_open(item.deal)
    before = item.status
    item.status = status
    item.strengths = strengths.strip()
    item.weaknesses = weaknesses.strip()
    item.positioning = positioning.strip()
    item.full_clean(exclude=["deal", "competitor"])
    item.save(update_fields=["status", "strengths", "weaknesses", "positioning"])
    plan_refresh(deal=item.deal)
    _event(
        item.deal,
        "deal_competitor.changed",
        actor,
        f"Competitor {item.competitor.name}: {item.get_status_display().lower()}",
        {"competitor": item.competitor_id, "status": [before, status], "change": "updated"},
    )
    return item


@transaction.atomic
def deal_competitor_remove(*, actor: User, deal_competitor: DealCompetitor) -> None:
    deal = deal_competitor.deal
    _require_open(deal)
    name = deal_competitor.competitor.name
    competitor_id = deal_competitor.competitor_id
    deal_competitor.delete()
    plan_refresh(deal=deal)
    _event(
        deal,
        "deal_competitor.changed",
        actor,
        f"Competitor removed: {name}",
        {"competitor": competitor_id, "change": "removed"},
    )


# Next steps


def _check_item_owner(*, actor, deal, owner):
    if owner.pk == deal.owner_id or owner.pk == getattr(actor, "pk", None):
        return
    check_owner(actor=actor, owner=owner, records="next steps")


@transaction.atomic
def action_item_add(
    *,
    actor: User,
    deal: Deal,
    text: str,
    owner: User | None = None,
    due_date: datetime.date | None = None,
) -> PlanActionItem:
    _require_open(deal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what the next step is."})
    owner = owner or actor
    _check_item_owner(actor=actor, deal=deal, owner=owner)
    _ensure_plan(actor=actor, deal=deal)
    item = PlanActionItem.objects.create(deal=deal, text=text[:300], owner=owner, due_date=due_date)
    plan_refresh(deal=deal)
    _event(
        deal,
        "opportunity_plan.updated",
        actor,
        f"Next step added: {item.text}" + (f" (due {due_date:%d %b %Y})" if due_date else ""),
        {"action_item": item.pk},
    )
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: User,
    item: PlanActionItem,
    text: str,
    owner: User,
    due_date: datetime.date | None,
    done: bool,
) -> PlanActionItem:
    deal = item.deal
    _require_open(deal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what the next step is."})
    if owner.pk != item.owner_id:
        _check_item_owner(actor=actor, deal=deal, owner=owner)
    was_done = item.is_done
    item.text = text[:300]
    item.owner = owner
    item.due_date = due_date
    if done and not was_done:
        item.done_at = timezone.now()
    elif not done:
        item.done_at = None
    item.save(update_fields=["text", "owner", "due_date", "done_at"])
    plan_refresh(deal=deal)
    summary = f"Next step done: {item.text}" if done and not was_done else f"Next step: {item.text}"
    _event(deal, "opportunity_plan.updated", actor, summary, {"action_item": item.pk})
    return item


@transaction.atomic
def action_item_remove(*, actor: User, item: PlanActionItem) -> None:
    deal = item.deal
    _require_open(deal)
    text = item.text
    item.delete()
    plan_refresh(deal=deal)
    _event(deal, "opportunity_plan.updated", actor, f"Next step removed: {text}")
