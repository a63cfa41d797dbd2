"""Helpers for lead tests: criteria sets built through the services, answers by label."""

from leads import selectors, services
from leads.models import Criterion
from tests.factories import LeadFactory  # noqa: F401  (re-exported for lead tests)


def criteria_set(admin, items, *, qualify_at=70, disqualify_below=30):
    """Replace the criteria with `items` (criterion field dicts); returns current Criteria."""
    selectors.current_version()
    for criterion in Criterion.objects.all():
        services.criterion_delete(actor=admin, criterion=criterion)
    for item in items:
        services.criterion_create(actor=admin, data=item)
    services.criteria_set_thresholds(
        actor=admin, qualify_at=qualify_at, disqualify_below=disqualify_below
    )
    return selectors.current_criteria()


def ids_by_label(criteria):
    return {spec.label: spec.id for spec in criteria}


def default_answers(*, icp=True, decision_maker="signs", budget="approved"):
    """Answers to the default criteria by their labels' ids."""
    ids = ids_by_label(selectors.current_criteria())
    return {
        ids["Ideal customer profile"]: icp,
        ids["Decision maker"]: decision_maker,
        ids["Budget"]: budget,
    }
