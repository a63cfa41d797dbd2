"""The pipeline settings page saves the whole pipeline in one form: every stage row, in
one transaction, errors shown on their row; nothing typed is lost by another button;
"Remove" asks first."""

import pytest

from deals.models import Pipeline, Stage
from salesproc.models import Event
from tests.deals.factories import stage
from tests.factories import PipelineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_pipeline():
    return PipelineFactory(name="Edited")


def page_data(pipeline, **changes):
    """What the browser posts from the page as shown, with `changes` typed into it."""
    data = {
        "pipeline-name": pipeline.name,
        "pipeline-order": str(pipeline.order),
        "pipeline-is_active": "on",
    }
    if pipeline.is_default:
        data["pipeline-is_default"] = "on"
    for row in pipeline.stages.order_by("order"):
        prefix = f"s{row.pk}"
        data[f"{prefix}-name"] = row.name
        data[f"{prefix}-order"] = str(row.order)
        if row.is_open:
            data[f"{prefix}-probability"] = str(row.probability)
            data[f"{prefix}-stalled_after_days"] = str(row.stalled_after_days or "")
            data[f"{prefix}-default_forecast_category"] = row.default_forecast_category
            data[f"{prefix}-exit_criteria"] = "\n".join(row.exit_criteria)
    data.update(changes)
    return data


def url(pipeline):
    return f"/deals/settings/pipelines/{pipeline.pk}/"


def probabilities(pipeline):
    return dict(pipeline.stages.values_list("name", "probability"))


def test_it_saves_edits_to_several_stages_in_one_submit(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting, discovery = stage(p, "Prospecting"), stage(p, "Discovery")
    client.force_login(admin)

    response = client.post(
        url(p),
        page_data(
            p,
            action="save",
            **{
                f"s{prospecting.pk}-probability": "15",
                f"s{discovery.pk}-probability": "35",
                f"s{discovery.pk}-exit_criteria": "Budget confirmed",
            },
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url(p)
    assert probabilities(p) == {
        "Prospecting": 15,
        "Discovery": 35,
        "Proposal": 50,
        "Negotiation": 75,
        "Closed won": 100,
        "Closed lost": 0,
    }
    assert Stage.objects.get(pk=discovery.pk).exit_criteria == ["Budget confirmed"]
    assert Event.objects.filter(name="pipeline.stage_changed").count() == 2


def test_it_saves_nothing_and_shows_the_error_on_its_row(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting, discovery = stage(p, "Prospecting"), stage(p, "Discovery")
    client.force_login(admin)

    response = client.post(
        url(p),
        page_data(
            p,
            action="save",
            **{
                f"s{prospecting.pk}-probability": "15",
                f"s{discovery.pk}-name": "Proposal",  # the service refuses: taken
            },
        ),
    )

    assert response.status_code == 400
    rows = dict(response.context["stage_forms"])
    assert rows[discovery]["name"].errors == ["Edited already has a stage called “Proposal”."]
    assert rows[prospecting].errors == {}
    assert rows[prospecting]["probability"].value() == "15"  # what was typed stays
    assert probabilities(p)["Prospecting"] == 10
    assert stage(p, "Discovery").name == "Discovery"
    assert not Event.objects.filter(name="pipeline.stage_changed").exists()


def test_it_shows_a_bad_number_on_its_row_and_saves_nothing(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting, proposal = stage(p, "Prospecting"), stage(p, "Proposal")
    client.force_login(admin)

    response = client.post(
        url(p),
        page_data(
            p,
            **{f"s{prospecting.pk}-probability": "15", f"s{proposal.pk}-probability": "150"},
        ),
    )

    assert response.status_code == 400
    rows = dict(response.context["stage_forms"])
    assert list(rows[proposal].errors) == ["probability"]
    assert probabilities(p)["Prospecting"] == 10


def test_it_keeps_typed_edits_when_a_stage_is_moved(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting, discovery = stage(p, "Prospecting"), stage(p, "Discovery")
    client.force_login(admin)

    response = client.post(
        url(p),
        page_data(p, action=f"up-{discovery.pk}", **{f"s{prospecting.pk}-probability": "15"}),
    )

    assert response.status_code == 302
    assert list(p.stages.order_by("order").values_list("name", flat=True))[:2] == [
        "Discovery",
        "Prospecting",
    ]
    assert probabilities(p)["Prospecting"] == 15


def test_it_keeps_typed_edits_when_a_stage_is_added(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting = stage(p, "Prospecting")
    client.force_login(admin)

    client.post(
        url(p),
        page_data(
            p,
            action="add_stage",
            **{
                f"s{prospecting.pk}-probability": "15",
                "new-name": "Trial",
                "new-probability": "40",
            },
        ),
    )

    assert probabilities(p)["Prospecting"] == 15
    assert probabilities(p)["Trial"] == 40


def test_it_asks_before_removing_a_stage(client, admin, settings_pipeline):
    p = settings_pipeline
    prospecting, proposal = stage(p, "Prospecting"), stage(p, "Proposal")
    client.force_login(admin)

    asked = client.post(
        url(p),
        page_data(p, action=f"remove-{proposal.pk}", **{f"s{prospecting.pk}-probability": "15"}),
    )
    confirm_page = client.get(asked["Location"])

    assert asked.status_code == 302
    assert asked["Location"] == f"/deals/settings/stages/{proposal.pk}/delete/"
    assert Stage.objects.filter(pk=proposal.pk).exists()
    assert probabilities(p)["Prospecting"] == 15  # the typed edit was saved first
    assert confirm_page.status_code == 200
    assert "Remove the stage “Proposal” from Edited?" in confirm_page.content.decode()

    removed = client.post(f"/deals/settings/stages/{proposal.pk}/delete/")

    assert removed["Location"] == url(p)
    assert not Stage.objects.filter(pk=proposal.pk).exists()


def test_it_offers_remove_only_through_the_confirmation(client, admin, settings_pipeline):
    p = settings_pipeline
    client.force_login(admin)

    page = client.get(url(p)).content.decode()

    # one form for the whole pipeline (no form per row); Remove is a button of it that
    # leads to the question
    assert 'action="/deals/settings/stages/' not in page
    assert f'value="remove-{stage(p, "Proposal").pk}"' in page
    assert Pipeline.objects.get(pk=p.pk).stages.count() == 6
