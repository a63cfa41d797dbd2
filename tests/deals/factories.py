"""Factories for deal records beyond the shared ones in tests/factories.py."""

import factory

from deals.models import LostReason, Stage
from tests.factories import PipelineFactory


class LostReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LostReason
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Reason {n}")


def pipeline_with_criteria(**kwargs):
    """The usual pipeline, with exit criteria on Discovery and Negotiation."""
    pipeline = PipelineFactory(**kwargs)
    Stage.objects.filter(pipeline=pipeline, name="Discovery").update(
        exit_criteria=["Budget confirmed", "Decision maker met"],
        default_forecast_category="pipeline",
    )
    Stage.objects.filter(pipeline=pipeline, name="Proposal").update(
        default_forecast_category="best_case"
    )
    Stage.objects.filter(pipeline=pipeline, name="Negotiation").update(
        exit_criteria=["Contract sent"], default_forecast_category="commit"
    )
    return pipeline


def stage(pipeline, name):
    return pipeline.stages.get(name=name)
