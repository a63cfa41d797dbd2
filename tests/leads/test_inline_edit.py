"""Inline edit of a lead's status and owner on the lead list."""

import pytest
from django.urls import reverse

from leads.models import DisqualificationReason, Lead
from leads.services import disqualification_reasons_ensure_defaults
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def url(lead, field):
    return reverse("leads:lead_inline", args=[lead.pk, field])


def test_the_list_offers_status_and_owner_inline(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    text = client.get("/leads/").content.decode()
    assert url(lead, "status") in text and url(lead, "owner") in text


def test_a_manager_reassigns_and_disqualifies_inline(client, manager, rep, teammate):
    lead = LeadFactory(owner=rep)
    client.force_login(manager)
    form = client.get(url(lead, "owner")).content.decode()
    assert f'<option value="{teammate.pk}"' in form
    response = client.post(url(lead, "owner"), {"value": teammate.pk})
    assert response.content.decode().lstrip().startswith(f'<tr id="lead-row-{lead.pk}"')
    assert Lead.objects.get(pk=lead.pk).owner == teammate
    disqualification_reasons_ensure_defaults()
    reason = DisqualificationReason.objects.filter(is_active=True).first()
    client.post(url(lead, "status"), {"value": f"disqualify:{reason.pk}"})
    lead.refresh_from_db()
    assert (lead.status, lead.disqualification_reason) == (Lead.Status.DISQUALIFIED, reason)
    client.post(url(lead, "status"), {"value": "working"})
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.WORKING


def test_bad_input_and_a_converted_lead_are_refused_in_place(client, rep, teammate):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    for field, value in [
        ("owner", teammate.pk),
        ("status", "qualified"),
        ("status", "disqualify:999"),
    ]:
        response = client.post(url(lead, field), {"value": value})
        assert response["HX-Retarget"] == f"#lead-inline-{lead.pk}-{field}"
        assert 'class="inline-error"' in response.content.decode()
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.CONVERTED)
    response = client.post(url(lead, "status"), {"value": "working"})
    assert "converted" in response.content.decode()
    lead.refresh_from_db()
    assert (lead.owner, lead.status) == (rep, Lead.Status.CONVERTED)


def test_another_team_gets_404(client, other_manager, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(other_manager)
    assert client.get(url(lead, "owner")).status_code == 404
    assert client.post(url(lead, "owner"), {"value": other_manager.pk}).status_code == 404
    assert Lead.objects.get(pk=lead.pk).owner == rep
