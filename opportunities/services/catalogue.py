"""What admins edit: plan prompts (versioned), competitors and their battlecards,
win strategies, win/loss reasons, the process's numbers and the stage gates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from deals.models import Stage
from opportunities.models import (
    Competitor,
    PlanPrompt,
    PlanPromptVersion,
    PlanSettings,
    StageRule,
    WinLossReason,
    WinStrategy,
)
from salesproc.events import record_event
from salesproc.models import User
from salesproc.services import apply_changes

# The questions of PROCESSES.md, "3. Opportunity management", plus the two sections a
# plan also needs. Seeded by migration; admins reword, reorder and extend them.
DEFAULT_PROMPTS = [
    ("problem", "What business problem are you trying to solve for the customer?"),
    ("stakeholders", "Which stakeholders do you need to deal with?"),
    ("competition", "How will you position yourself against the competition?"),
    ("strategy", "Which strategy will win this deal?"),
    ("next_steps", "What happens next, who does it, and by when?"),
]
COMPETITOR_FIELDS = [
    "name",
    "kind",
    "website",
    "strengths",
    "weaknesses",
    "landmines",
    "how_we_win",
    "is_active",
]
STRATEGY_FIELDS = ["name", "description", "order", "is_active"]
REASON_FIELDS = ["outcome", "name", "order", "is_active"]
SETTINGS_FIELDS = ["stale_after_days", "min_sample", "opportunity_probability"]


def _admin(actor):
    if actor is not None and not actor.is_crm_admin:
        raise PermissionDenied("Only an admin can change the opportunity plan settings.")


def _snapshot():
    return [
        {"id": p.pk, "section": p.section, "text": p.text}
        for p in PlanPrompt.objects.filter(is_active=True).order_by("order", "id")
    ]


def current_prompt_version() -> PlanPromptVersion:
    """The wording new plans are written against (published from the live prompts)."""
    version = PlanPromptVersion.objects.order_by("-number").first()
    return version or prompts_publish(actor=None)


@transaction.atomic
def prompts_publish(*, actor: User | None) -> PlanPromptVersion:
    """Freeze the live prompts as a new version; existing plans keep theirs."""
    _admin(actor)
    if not PlanPrompt.objects.exists():
        PlanPrompt.objects.bulk_create(
            [PlanPrompt(section=s, text=t, order=n) for n, (s, t) in enumerate(DEFAULT_PROMPTS)]
        )
    PlanPromptVersion.objects.select_for_update().all().first()
    number = (PlanPromptVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanPromptVersion.objects.create(number=number, prompts=_snapshot(), created_by=actor)
    if actor is not None:
        record_event(
            subject=version,
            name="opportunity_prompts.published",
            actor=actor,
            summary=f"Opportunity plan prompts, version {number}",
        )
    return version


def _check_prompt(section, text, *, prompt=None):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the question."})
    if section not in PlanPrompt.Section.values:
        raise ValidationError({"section": "Choose a section."})
    if section != PlanPrompt.Section.EXTRA:
        clash = PlanPrompt.objects.filter(section=section, is_active=True)
        if prompt is not None:
            clash = clash.exclude(pk=prompt.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "section": "That section already has its question: reword it instead, or add a "
                    "further question."
                }
            )
    return text


@transaction.atomic
def prompt_create(*, actor: User, section: str, text: str, order: int = 0) -> PlanPrompt:
    _admin(actor)
    text = _check_prompt(section, text)
    prompt = PlanPrompt.objects.create(section=section, text=text, order=order)
    prompts_publish(actor=actor)
    return prompt


@transaction.atomic
def prompt_update(
    *, actor: User, prompt: PlanPrompt, text: str, order: int, is_active: bool
) -> PlanPrompt:
    _admin(actor)
    if not is_active and prompt.section != PlanPrompt.Section.EXTRA:
        raise ValidationError({"is_active": "The plan's own sections keep their question."})
    prompt.text = _check_prompt(prompt.section, text, prompt=prompt)
    prompt.order = order
    prompt.is_active = is_active
    prompt.save(update_fields=["text", "order", "is_active"])
    prompts_publish(actor=actor)
    return prompt


def _save_named(model, instance, fields, data, *, actor, name, label):
    _admin(actor)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    changes = apply_changes(instance, fields, data)
    instance.full_clean()
    created = instance.pk is None
    instance.save()
    record_event(
        subject=instance,
        name=name,
        actor=actor,
        summary=f"{label} {'added' if created else 'changed'}: {instance}",
        data={"changes": changes},
    )
    return instance


@transaction.atomic
def competitor_create(*, actor: User, data: dict) -> Competitor:
    return _save_named(
        Competitor,
        Competitor(),
        COMPETITOR_FIELDS,
        data,
        actor=actor,
        name="competitor.changed",
        label="Competitor",
    )


@transaction.atomic
def competitor_update(*, actor: User, competitor: Competitor, data: dict) -> Competitor:
    return _save_named(
        Competitor,
        competitor,
        COMPETITOR_FIELDS,
        data,
        actor=actor,
        name="competitor.changed",
        label="Competitor",
    )


@transaction.atomic
def strategy_create(*, actor: User, data: dict) -> WinStrategy:
    return _save_named(
        WinStrategy,
        WinStrategy(),
        STRATEGY_FIELDS,
        data,
        actor=actor,
        name="win_strategy.changed",
        label="Win strategy",
    )


@transaction.atomic
def strategy_update(*, actor: User, strategy: WinStrategy, data: dict) -> WinStrategy:
    return _save_named(
        WinStrategy,
        strategy,
        STRATEGY_FIELDS,
        data,
        actor=actor,
        name="win_strategy.changed",
        label="Win strategy",
    )


@transaction.atomic
def reason_create(*, actor: User, data: dict) -> WinLossReason:
    return _save_named(
        WinLossReason,
        WinLossReason(),
        REASON_FIELDS,
        data,
        actor=actor,
        name="win_loss_reason.changed",
        label="Win/loss reason",
    )


@transaction.atomic
def reason_update(*, actor: User, reason: WinLossReason, data: dict) -> WinLossReason:
    if "outcome" in data and data["outcome"] != reason.outcome and reason.reviews.exists():
        raise ValidationError({"outcome": "Reviews already use this reason: add a new one."})
    return _save_named(
        WinLossReason,
        reason,
        REASON_FIELDS,
        data,
        actor=actor,
        name="win_loss_reason.changed",
        label="Win/loss reason",
    )


@transaction.atomic
def plan_settings_update(*, actor: User, data: dict) -> PlanSettings:
    _admin(actor)
    current = PlanSettings.objects.select_for_update().first() or PlanSettings()
    errors = {}
    if int(data.get("opportunity_probability", current.opportunity_probability)) > 100:
        errors["opportunity_probability"] = "A probability is between 0 and 100%."
    if int(data.get("min_sample", current.min_sample)) < 1:
        errors["min_sample"] = "The minimum sample is at least one deal."
    if int(data.get("stale_after_days", current.stale_after_days)) < 1:
        errors["stale_after_days"] = "A plan goes stale after at least one day."
    if errors:
        raise ValidationError(errors)
    changes = apply_changes(current, SETTINGS_FIELDS, data)
    current.save()
    record_event(
        subject=current,
        name="opportunity_settings.changed",
        actor=actor,
        summary="Opportunity plan settings changed",
        data={"changes": changes},
    )
    return current


@transaction.atomic
def stage_rule_set(*, actor: User, stage: Stage, requires_complete_plan: bool) -> StageRule:
    """Mark whether a deal needs a complete opportunity plan before it leaves `stage`."""
    _admin(actor)
    if requires_complete_plan and not stage.is_open:
        raise ValidationError(
            {"requires_complete_plan": f"{stage.name} is a closing stage: deals do not leave it."}
        )
    rule, _ = StageRule.objects.update_or_create(
        stage=stage, defaults={"requires_complete_plan": requires_complete_plan}
    )
    record_event(
        subject=stage,
        name="stage.plan_gate_changed",
        actor=actor,
        summary=f"{stage.name}: "
        + ("needs a complete opportunity plan" if requires_complete_plan else "no plan needed"),
        data={"requires_complete_plan": requires_complete_plan},
    )
    return rule
