"""Inline edit on the deal list and board: the same services and version check as the
forms; a stale edit says who changed the deal and shows the current value."""

from decimal import Decimal

import pytest
from django.urls import reverse

from deals import services
from deals.models import Deal
from salesproc.models import Event
from tests.deals.factories import stage
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def inline(deal, field, where="row"):
    return reverse("deals:deal_inline", args=[deal.pk, field]) + f"?in={where}"


@pytest.fixture(autouse=True)
def _as_htmx(client):
    """Inline edits come from htmx; a plain post is tested on its own below."""
    client.defaults["HTTP_HX_REQUEST"] = "true"


def test_the_list_and_board_offer_inline_edit(client, rep, deal):
    client.force_login(rep)
    text = client.get("/deals/").content.decode()
    assert f'id="deal-row-{deal.pk}"' in text
    for field in ("amount", "expected_close_date", "stage", "owner", "forecast_category"):
        assert reverse("deals:deal_inline", args=[deal.pk, field]) in text
    board = client.get("/deals/board/").content.decode()
    assert f'id="deal-card-{deal.pk}"' in board
    assert reverse("deals:deal_inline", args=[deal.pk, "amount"]) + "?version=" in board


def test_editing_the_amount_in_a_row_saves_through_the_service(client, rep, deal):
    client.force_login(rep)
    form = client.get(inline(deal, "amount") + f"&version={deal.version}")
    assert form.status_code == 200
    assert 'name="value"' in form.content.decode() and 'value="5000.00"' in form.content.decode()
    response = client.post(inline(deal, "amount"), {"value": "7250", "version": deal.version})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(f'<tr id="deal-row-{deal.pk}"')
    assert "7,250" in text
    deal.refresh_from_db()
    assert deal.amount == Decimal("7250")
    assert deal.version == 2
    assert "version=2" in text  # the row's other values carry the new version
    assert Event.objects.filter(name="deal.updated", object_id=deal.pk, actor=rep).exists()


def test_editing_on_a_card_returns_the_card(client, rep, deal, teammate, manager):
    client.force_login(manager)
    response = client.post(
        inline(deal, "owner", "card"), {"value": teammate.pk, "version": deal.version}
    )
    assert response.content.decode().lstrip().startswith(f'<li id="deal-card-{deal.pk}"')
    assert Deal.objects.get(pk=deal.pk).owner == teammate


def test_a_stale_edit_shows_who_changed_it_and_the_current_value(client, rep, manager, deal):
    seen = deal.version
    services.deal_update(actor=manager, deal=deal, version=seen, data={"amount": 6100})
    client.force_login(rep)
    response = client.post(inline(deal, "amount"), {"value": "9000", "version": seen})
    text = response.content.decode()
    assert response["HX-Retarget"] == f"#inline-{deal.pk}-amount"
    assert "Mia" in text and "changed this deal" in text
    assert "6,100" in text  # the current value
    assert 'value="9000"' in text  # what the rep typed is kept
    assert "version" not in text.replace('name="version"', "").replace("version=", "").lower()
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("6100")
    # saving again from that form knowingly replaces it
    fresh = Deal.objects.get(pk=deal.pk)
    response = client.post(inline(deal, "amount"), {"value": "9000", "version": fresh.version})
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("9000")


def test_bad_input_shows_the_error_in_place_and_changes_nothing(client, rep, deal):
    client.force_login(rep)
    for field, value in [("amount", "lots"), ("expected_close_date", "soon"), ("owner", "999999")]:
        response = client.post(inline(deal, field), {"value": value, "version": deal.version})
        assert response.status_code == 200
        assert 'class="inline-error"' in response.content.decode(), field
    assert client.get(reverse("deals:deal_inline", args=[deal.pk, "name"])).status_code == 404
    fresh = Deal.objects.get(pk=deal.pk)
    assert (fresh.amount, fresh.version) == (Decimal("5000"), 1)


def test_a_stage_with_unconfirmed_exit_criteria_is_refused_inline(client, rep, pipeline):
    deal = DealFactory(owner=rep, pipeline=pipeline)
    Deal.objects.filter(pk=deal.pk).update(stage=stage(pipeline, "Discovery"))
    client.force_login(rep)
    response = client.post(
        inline(deal, "stage"), {"value": stage(pipeline, "Proposal").pk, "version": deal.version}
    )
    assert 'class="inline-error"' in response.content.decode()
    assert "Open the deal" in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).stage == stage(pipeline, "Discovery")
    response = client.post(
        inline(deal, "stage"), {"value": stage(pipeline, "Prospecting").pk, "version": deal.version}
    )
    assert Deal.objects.get(pk=deal.pk).stage == stage(pipeline, "Prospecting")


def test_another_team_gets_404_and_nothing_changes(client, other_rep, deal):
    client.force_login(other_rep)
    assert client.get(inline(deal, "amount")).status_code == 404
    response = client.post(inline(deal, "amount"), {"value": "1", "version": deal.version})
    assert response.status_code == 404
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("5000")


def test_the_api_patch_refuses_a_stale_version(api_as, rep, manager, deal):
    services.deal_update(actor=manager, deal=deal, version=deal.version, data={"amount": 1})
    response = api_as(rep).patch(
        f"/api/v1/deals/{deal.pk}/", {"amount": "2", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("1")


def test_a_plain_post_saves_and_goes_back_to_the_list(client, rep, deal):
    """Enter pressed before htmx has wired the form (or no JavaScript): a normal post to
    the form's own address saves the edit and returns to the list, not a fragment."""
    client.defaults.pop("HTTP_HX_REQUEST")
    client.force_login(rep)
    response = client.post(inline(deal, "amount"), {"value": "7300", "version": deal.version})
    assert response.status_code == 302 and response["Location"] == "/deals/"
    deal.refresh_from_db()
    assert deal.amount == Decimal("7300")
