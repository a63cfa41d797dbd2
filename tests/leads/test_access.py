"""One access function for leads: get_lead_for_user (issue 9)."""

import pytest
from django.http import Http404

from leads.selectors import get_lead_for_user
from tests.factories import LeadFactory


def test_it_gives_the_lead_to_its_owner_their_manager_and_an_admin(rep, manager, admin):
    lead = LeadFactory(owner=rep)
    assert [get_lead_for_user(u, lead.pk) for u in (rep, manager, admin)] == [lead] * 3


@pytest.mark.parametrize("pk", ["hidden", 99999, "not-a-number"])
def test_a_hidden_or_missing_lead_is_the_same_404(teammate, other_manager, rep, pk):
    lead = LeadFactory(owner=rep)
    with pytest.raises(Http404):
        get_lead_for_user(other_manager, lead.pk if pk == "hidden" else pk)
    with pytest.raises(Http404):
        get_lead_for_user(teammate, lead.pk if pk == "hidden" else pk)


def test_reading_the_criteria_and_reasons_writes_nothing(db):
    # Given a database without criteria or reasons (before the seeding migration)
    from leads import selectors
    from leads.models import CriteriaVersion, Criterion, DisqualificationReason

    CriteriaVersion.objects.all().delete()
    Criterion.objects.all().delete()
    DisqualificationReason.objects.all().delete()
    # When every reader runs
    assert selectors.current_version() is None
    assert list(selectors.current_criteria()) == []
    assert selectors.active_reasons() == []
    assert list(selectors.all_reasons()) == []
    # Then nothing was created
    assert (CriteriaVersion.objects.count(), DisqualificationReason.objects.count()) == (0, 0)


def test_the_first_qualification_writes_the_default_criteria(db, rep):
    from leads import services
    from leads.models import CriteriaVersion, Criterion

    CriteriaVersion.objects.all().delete()
    Criterion.objects.all().delete()
    lead = LeadFactory(owner=rep)
    qualification = services.lead_keep_working(actor=rep, lead=lead, answers={})
    assert qualification.version.number == 1
    assert Criterion.objects.count() == 3
