"""Writes for account plans: start, save (versioned, optimistic), the review steps, and
the plan's needs, action items and risks. Every change leaves an event on the account."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Account, Contact
from salesproc.errors import StaleVersion
from salesproc.events import record_event
from salesproc.models import User, users_visible_to

from .models import (
    AccountAction,
    AccountNeed,
    AccountPlan,
    AccountPlanVersion,
    AccountRisk,
    PlanPrompt,
    PlanSettings,
    RelationshipEntry,
)
from .selectors import active_prompts, may_approve_plan, may_edit_plan, plan_snapshot

Status = AccountPlan.Status
EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED, Status.APPROVED}


def _check_may_edit(actor: User, account: Account):
    if not may_edit_plan(actor, account):
        raise PermissionDenied("Only the account manager or their manager edits the plan.")


def _keep_version(plan: AccountPlan, actor: User):
    AccountPlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        status=plan.status,
        data=plan_snapshot(plan),
        saved_by=actor,
    )


def _event(plan: AccountPlan, name: str, actor: User, summary: str, data: dict | None = None):
    record_event(
        subject=plan.account,
        name=name,
        actor=actor,
        summary=summary,
        data={"plan": plan.pk, "period": plan.period, "version": plan.version, **(data or {})},
    )


@transaction.atomic
def account_plan_create(*, actor: User, account: Account, period: str) -> AccountPlan:
    """Start the account's plan for `period`, with today's wording of the prompts."""
    _check_may_edit(actor, account)
    period = (period or "").strip()
    if not period:
        raise ValidationError({"period": "Say which period the plan is for, e.g. FY2027."})
    if len(period) > 20:
        raise ValidationError({"period": "Keep the period short (at most 20 characters)."})
    if not account.is_managed:
        raise ValidationError({"account": "Only a managed (key) account has an account plan."})
    prompts = [
        {"key": p.key, "section": p.section, "text": p.text, "help_text": p.help_text}
        for p in active_prompts()
    ]
    try:
        with transaction.atomic():
            plan = AccountPlan.objects.create(
                account=account, period=period, prompts=prompts, created_by=actor
            )
    except IntegrityError:
        raise ValidationError({"period": f"{account.name} already has a plan for {period}."})
    _keep_version(plan, actor)
    _event(plan, "account_plan.created", actor, f"Account plan {period} started")
    return plan


@transaction.atomic
def account_plan_update(
    *,
    actor: User,
    plan: AccountPlan,
    version: int | None,
    answers: dict[str, str] | None = None,
    retention_target: Decimal | None = None,
    growth_target: Decimal | None = None,
    targets_given: bool = False,
) -> AccountPlan:
    """Save the answers (and targets when targets_given). A stale `version` is refused
    (StaleVersion); an approved plan that changes goes back to draft for review."""
    if version is None:
        raise ValidationError({"version": "Send the version of the plan you edited."})
    plan = AccountPlan.objects.select_for_update().select_related("account").get(pk=plan.pk)
    _check_may_edit(actor, plan.account)
    if plan.version != version:
        raise StaleVersion(current_version=plan.version)
    if plan.status not in EDITABLE:
        raise ValidationError(
            {"status": "The plan is waiting for approval; it can change once it is reviewed."}
        )
    keys = {p["key"] for p in plan.prompts}
    new_answers = dict(plan.answers or {})
    for key, text in (answers or {}).items():
        if key not in keys:
            raise ValidationError({"answers": f"The plan has no question “{key}”."})
        new_answers[key] = (text or "").strip()
    for name, value in (("retention_target", retention_target), ("growth_target", growth_target)):
        if targets_given and value is not None and value < 0:
            raise ValidationError({name: "A target cannot be negative."})
    before = plan_snapshot(plan)
    plan.answers = new_answers
    if targets_given:
        plan.retention_target, plan.growth_target = retention_target, growth_target
    after = plan_snapshot(plan)
    if before == after:
        return plan
    if plan.status == Status.APPROVED:
        plan.status = Status.DRAFT
    plan.version += 1
    plan.save()
    _keep_version(plan, actor)
    changed = sorted(
        [k for k in after["answers"] if after["answers"][k] != before["answers"].get(k, "")]
        + [k for k in ("retention_target", "growth_target") if after[k] != before[k]]
    )
    _event(
        plan,
        "account_plan.updated",
        actor,
        f"Account plan {plan.period} saved",
        {"changed": changed},
    )
    return plan


def _transition(plan: AccountPlan, *, allowed: set, refusal: str) -> AccountPlan:
    plan = AccountPlan.objects.select_for_update().select_related("account").get(pk=plan.pk)
    if plan.status not in allowed:
        raise ValidationError({"status": refusal.format(status=plan.get_status_display().lower())})
    return plan


@transaction.atomic
def account_plan_submit(*, actor: User, plan: AccountPlan) -> AccountPlan:
    _check_may_edit(actor, plan.account)
    plan = _transition(
        plan,
        allowed={Status.DRAFT, Status.CHANGES_REQUESTED},
        refusal="Only a draft plan (or one with changes requested) can be submitted; this one is {status}.",
    )
    plan.status, plan.submitted_at = Status.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(
        plan, "account_plan.submitted", actor, f"Account plan {plan.period} submitted for approval"
    )
    return plan


def _check_may_approve(actor: User, account: Account):
    if not may_approve_plan(actor, account):
        raise PermissionDenied("Only the account manager's manager approves the plan.")


@transaction.atomic
def account_plan_approve(*, actor: User, plan: AccountPlan) -> AccountPlan:
    _check_may_approve(actor, plan.account)
    plan = _transition(
        plan,
        allowed={Status.SUBMITTED},
        refusal="Only a submitted plan can be approved; this one is {status}.",
    )
    plan.status, plan.approved_at, plan.approved_by = Status.APPROVED, timezone.now(), actor
    plan.approved_version, plan.review_comment = plan.version, ""
    plan.save(
        update_fields=[
            "status",
            "approved_at",
            "approved_by",
            "approved_version",
            "review_comment",
            "updated_at",
        ]
    )
    _event(plan, "account_plan.approved", actor, f"Account plan {plan.period} approved")
    return plan


@transaction.atomic
def account_plan_request_changes(*, actor: User, plan: AccountPlan, comment: str) -> AccountPlan:
    _check_may_approve(actor, plan.account)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what should change."})
    plan = _transition(
        plan,
        allowed={Status.SUBMITTED},
        refusal="Changes can be asked for only on a submitted plan; this one is {status}.",
    )
    plan.status, plan.review_comment = Status.CHANGES_REQUESTED, comment
    plan.save(update_fields=["status", "review_comment", "updated_at"])
    _event(
        plan,
        "account_plan.changes_requested",
        actor,
        f"Changes asked for on account plan {plan.period}: {comment[:200]}",
        {"comment": comment},
    )
    return plan


# The plan's needs, action items and risks ------------------------------------------


@dataclass(frozen=True)
class NeedInput:
    description: str
    priority: str = AccountNeed._meta.get_field("priority").default
    source: str = ""
    source_date: date | None = None
    status: str = AccountNeed.Status.NEW


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner: User
    due_date: date
    status: str = AccountAction.Status.OPEN
    need: AccountNeed | None = None


@dataclass(frozen=True)
class RiskInput:
    description: str
    likelihood: str = "medium"
    impact: str = "medium"
    mitigation: str = ""
    owner: User | None = None


def _save_item(*, actor, plan, item, model, fields: dict, label: str):
    _check_may_edit(actor, plan.account)
    if item is None:
        item = model(plan=plan)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean(exclude=["plan"])
    created = item.pk is None
    item.save()
    verb = "added" if created else "updated"
    record_event(
        subject=plan.account,
        name=f"account_plan.{model._meta.model_name.removeprefix('account')}_{verb}",
        actor=actor,
        summary=f"{label} {verb} on plan {plan.period}: {item.description[:150]}",
        data={"plan": plan.pk, "item": item.pk},
    )
    return item


def _check_user(actor: User, user: User | None, field: str):
    if user is not None and not users_visible_to(actor).filter(pk=user.pk).exists():
        raise ValidationError({field: "Choose yourself or someone in your team."})


@transaction.atomic
def account_need_save(
    *, actor: User, plan: AccountPlan, data: NeedInput, need: AccountNeed | None = None
) -> AccountNeed:
    return _save_item(
        actor=actor,
        plan=plan,
        item=need,
        model=AccountNeed,
        fields={**data.__dict__, "description": data.description.strip()},
        label="Need",
    )


@transaction.atomic
def account_action_save(
    *, actor: User, plan: AccountPlan, data: ActionInput, action: AccountAction | None = None
) -> AccountAction:
    _check_user(actor, data.owner, "owner")
    if data.need is not None and data.need.plan_id != plan.pk:
        raise ValidationError({"need": "Choose a need of this plan."})
    return _save_item(
        actor=actor,
        plan=plan,
        item=action,
        model=AccountAction,
        fields={**data.__dict__, "description": data.description.strip()},
        label="Action",
    )


@transaction.atomic
def account_risk_save(
    *, actor: User, plan: AccountPlan, data: RiskInput, risk: AccountRisk | None = None
) -> AccountRisk:
    _check_user(actor, data.owner, "owner")
    return _save_item(
        actor=actor,
        plan=plan,
        item=risk,
        model=AccountRisk,
        fields={**data.__dict__, "description": data.description.strip()},
        label="Risk",
    )


@dataclass(frozen=True)
class RelationshipInput:
    contact: Contact
    role: str = ""
    counterpart: User | None = None
    strength: int = 3
    is_executive_sponsor: bool = False


@transaction.atomic
def relationship_save(
    *,
    actor: User,
    plan: AccountPlan,
    data: RelationshipInput,
    entry: RelationshipEntry | None = None,
) -> RelationshipEntry:
    """Add or change a row of the relationship map. The contact is one of the account's;
    marking a row executive sponsor unmarks the plan's previous one."""
    _check_may_edit(actor, plan.account)
    _check_user(actor, data.counterpart, "counterpart")
    contact = data.contact
    if contact is None or contact.account_id != plan.account_id or contact.deleted_at:
        raise ValidationError({"contact": f"Choose a contact of {plan.account.name}."})
    if not isinstance(data.strength, int) or not 1 <= data.strength <= 5:
        raise ValidationError({"strength": "Rate the relationship from 1 to 5."})
    others = RelationshipEntry.objects.filter(plan=plan).exclude(pk=entry.pk if entry else None)
    if others.filter(contact=contact).exists():
        raise ValidationError({"contact": f"{contact.full_name} is already on the map."})
    if data.is_executive_sponsor and data.counterpart is None:
        raise ValidationError(
            {"counterpart": "Name our executive sponsor: the counterpart of theirs."}
        )
    if data.is_executive_sponsor:
        others.filter(is_executive_sponsor=True).update(is_executive_sponsor=False)
    return _save_item(
        actor=actor,
        plan=plan,
        item=entry,
        model=RelationshipEntry,
        fields={**data.__dict__, "role": (data.role or "").strip()},
        label="Relationship",
    )


@transaction.atomic
def account_plan_item_delete(*, actor: User, item) -> None:
    plan = item.plan
    _check_may_edit(actor, plan.account)
    record_event(
        subject=plan.account,
        name=f"account_plan.{item._meta.model_name.removeprefix('account')}_deleted",
        actor=actor,
        summary=f"Removed from plan {plan.period}: {item.description[:150]}",
        data={"plan": plan.pk, "item": item.pk},
    )
    item.delete()


# Settings → Account plan --------------------------------------------------------------


def _check_admin(actor: User):
    if not actor.is_crm_admin:
        raise PermissionDenied("Only an admin changes the account plan settings.")


@transaction.atomic
def plan_settings_update(
    *, actor: User, review_interval_days: int, handoff_due_days: int
) -> PlanSettings:
    _check_admin(actor)
    errors = {}
    if not 1 <= review_interval_days <= 730:
        errors["review_interval_days"] = "Between 1 and 730 days."
    if not 1 <= handoff_due_days <= 90:
        errors["handoff_due_days"] = "Between 1 and 90 days."
    if errors:
        raise ValidationError(errors)
    settings = PlanSettings.objects.select_for_update().order_by("pk").first() or PlanSettings()
    settings.review_interval_days = review_interval_days
    settings.handoff_due_days = handoff_due_days
    settings.save()
    record_event(
        subject=settings,
        name="account_plan.settings_changed",
        actor=actor,
        summary="Account plan settings changed",
        data={"review_interval_days": review_interval_days, "handoff_due_days": handoff_due_days},
    )
    return settings


@transaction.atomic
def plan_prompt_save(
    *,
    actor: User,
    prompt: PlanPrompt | None,
    section: str,
    text: str,
    help_text: str = "",
    order: int = 100,
    is_active: bool = True,
) -> PlanPrompt:
    """Reword or add a prompt. Plans already started keep the wording they were written
    against; new plans ask the new one."""
    _check_admin(actor)
    created = prompt is None
    if created:
        prompt = PlanPrompt(key=_new_key(text))
    prompt.section, prompt.text, prompt.help_text = section, (text or "").strip(), help_text.strip()
    prompt.order, prompt.is_active = order, is_active
    prompt.full_clean()
    prompt.save()
    record_event(
        subject=prompt,
        name="account_plan.prompt_added" if created else "account_plan.prompt_changed",
        actor=actor,
        summary=f"Account plan prompt {'added' if created else 'changed'}: {prompt.text[:150]}",
    )
    return prompt


def _new_key(text: str) -> str:
    base = slugify(text)[:50].replace("-", "_") or "prompt"
    key, n = base, 2
    while PlanPrompt.objects.filter(key=key).exists():
        key, n = f"{base}_{n}", n + 1
    return key
