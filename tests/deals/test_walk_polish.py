"""Polish from the walk (issue 15): the board's move prompt, wording on closed deals."""

import pytest

from deals import services
from tests.deals.factories import stage

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def in_discovery(rep, deal, pipeline):
    return services.deal_move_stage(actor=rep, deal=deal, stage=stage(pipeline, "Discovery"))


def test_it_keeps_a_refused_dialog_move_in_the_dialog(client, rep, deal, pipeline):
    deal = in_discovery(rep, deal, pipeline)
    client.force_login(rep)

    response = client.post(
        f"/deals/{deal.pk}/move/",
        {
            "stage": stage(pipeline, "Proposal").pk,
            "version": deal.version,
            "partial": "1",
            "prompted": "1",
            "next": "/deals/board/",
        },
        **HTMX,
    )

    # htmx swaps only 2xx answers: the prompt comes back with its error, not a page
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'class="move-form"' in page and "hx-post=" in page
    assert "confirm each exit criterion" in page
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


def test_it_sends_the_dialog_back_to_the_board_after_a_move(client, rep, deal, pipeline):
    deal = in_discovery(rep, deal, pipeline)
    client.force_login(rep)

    response = client.post(
        f"/deals/{deal.pk}/move/",
        {
            "stage": stage(pipeline, "Proposal").pk,
            "version": deal.version,
            "exit_criteria_confirmed": ["Budget confirmed", "Decision maker met"],
            "partial": "1",
            "prompted": "1",
            "next": "/deals/board/",
        },
        **HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/deals/board/"
    deal.refresh_from_db()
    assert deal.stage.name == "Proposal"


def test_it_opens_the_card_move_prompt_without_an_error(client, rep, deal, pipeline):
    deal = in_discovery(rep, deal, pipeline)
    client.force_login(rep)

    # the card's Move menu posts only the stage: the prompt asks, it does not scold
    response = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Proposal").pk, "version": deal.version},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Decision maker met"' in page
    assert "confirm each exit criterion" not in page
    assert 'class="form-errors"' not in page
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"


def test_it_still_says_what_is_missing_once_the_prompt_was_shown(client, rep, deal, pipeline):
    deal = in_discovery(rep, deal, pipeline)
    client.force_login(rep)

    response = client.post(
        f"/deals/{deal.pk}/move/",
        {"stage": stage(pipeline, "Proposal").pk, "version": deal.version, "prompted": "1"},
    )

    assert response.status_code == 400
    assert "confirm each exit criterion" in response.content.decode()


def test_it_does_not_say_closed_won_in_closed_won(client, rep, deal, pipeline):
    deal = services.deal_win(actor=rep, deal=deal)
    client.force_login(rep)

    page = client.get(f"/deals/{deal.pk}/").content.decode()

    assert deal.stage.name in page
    assert f"Closed won in {deal.stage.name}" not in page
