"""Pipeline settings (admins): pipelines and their stages, with probabilities, stalled
limits, exit criteria and the forecast category a deal gets on entering a stage."""

from django.core.exceptions import ValidationError
from django.db import transaction

from deals.fields import PIPELINE_FIELDS, STAGE_FIELDS
from deals.models import Deal, Pipeline, Stage, StageChange
from salesproc.models import User
from salesproc.services import apply_changes

from ._common import FORECAST_CATEGORIES, clean_name, config_event, normalise

MAX_EXIT_CRITERIA = 20


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
        if not text or normalise(text) in seen:
            continue
        if len(text) > 200:
            raise ValidationError({"exit_criteria": "Keep each criterion under 200 characters."})
        seen.add(normalise(text))
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
    name = clean_name(name, what="A pipeline")
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
    config_event(
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
    unknown = set(data) - set(PIPELINE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = dict(data)
    if "name" in values:
        values["name"] = clean_name(values["name"], what="A pipeline")
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
    config_event(
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
    config_event(pipeline, "pipeline.deleted", actor, f"Pipeline {pipeline.name} deleted")
    pipeline.delete()


def _stage_create(pipeline, values, position):
    kind = values.get("kind") or Stage.Kind.OPEN
    if kind not in Stage.Kind.values:
        raise ValidationError({"kind": "Choose open, closed won or closed lost."})
    name = clean_name(values.get("name"), what="A stage")
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
    config_event(
        pipeline,
        "pipeline.stage_added",
        actor,
        f"Stage {stage.name} added to {pipeline.name}",
        {"stage": stage.pk},
    )
    return stage


@transaction.atomic
def stage_update(*, actor: User, stage: Stage, data: dict) -> Stage:
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    unknown = set(data) - set(STAGE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This cannot be changed here."))
    values = {field: data.get(field, getattr(stage, field)) for field in STAGE_FIELDS}
    values["name"] = clean_name(values["name"], what="A stage")
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
    config_event(
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
    config_event(
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
    config_event(
        pipeline,
        "pipeline.stage_removed",
        actor,
        f"Stage {stage.name} removed from {pipeline.name}",
    )
    stage.delete()


@transaction.atomic
def pipeline_save(
    *,
    actor: User,
    pipeline: Pipeline,
    values: dict | None = None,
    stages: dict[int, dict] | None = None,
) -> Pipeline:
    """Save the pipeline settings page in one go: the pipeline's own fields (`values`) and
    any number of its stages (`stages`: stage id -> changed fields). All or nothing.

    Errors come back together, keyed by field for the pipeline and "<stage id>:<field>"
    for a stage, so the page can show each on its row.
    """
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    errors = {}
    if values:
        try:
            pipeline = pipeline_update(actor=actor, pipeline=pipeline, data=values)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    by_id = {s.pk: s for s in pipeline.stages.select_for_update()}
    for stage_id, data in (stages or {}).items():
        stage = by_id.get(stage_id)
        if stage is None:
            errors[f"{stage_id}:stage"] = [f"This stage is no longer part of {pipeline.name}."]
            continue
        try:
            stage_update(actor=actor, stage=stage, data=data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{stage_id}:{field}"] = messages
    if errors:
        raise ValidationError(errors)
    return pipeline
