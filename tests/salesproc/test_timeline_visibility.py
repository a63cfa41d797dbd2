"""Timelines never show events of records the viewer may not see (issue 8, item 3)."""

import pytest

from leads.models import Lead
from salesproc.events import timeline_for
from tests.calls.factories import plan
from tests.factories import LeadFactory


@pytest.mark.django_db
def test_it_hides_a_call_on_a_reassigned_lead_from_the_new_owner(client, rep, teammate):
    # Given alice planned a call on her lead, and the lead then went to bob
    lead = LeadFactory(owner=rep)
    plan(rep, lead=lead, purpose="Secret pricing talk with the CFO")
    Lead.objects.filter(pk=lead.pk).update(owner=teammate)

    # When bob opens the lead
    client.force_login(teammate)
    response = client.get(lead.get_absolute_url())

    # Then he sees the lead but not alice's call, which he may not open
    assert response.status_code == 200
    assert "Secret pricing talk with the CFO" not in response.content.decode()
    assert "call.planned" not in [e.name for e in timeline_for(lead, user=teammate)]
    assert "call.planned" in [e.name for e in timeline_for(lead, user=rep)]


def test_it_requires_the_viewer():
    with pytest.raises(TypeError):
        timeline_for(object())
