"""Polish from the walk (issue 15): the board's move prompt, wording on closed deals."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

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


# ---------------------------------------------------------------- the stale edit


def edit_post(deal, rep, **changes):
    return {
        "name": "Rep's name",
        "account": deal.account_id,
        "deal_type": "new_business",
        "amount": "5000",
        "currency": "EUR",
        "forecast_category": "pipeline",
        "owner": rep.pk,
        "version": 1,
        **changes,
    }


def test_it_shows_one_plain_notice_with_what_changed_and_who(client, rep, manager, deal):
    services.deal_update(
        actor=manager, deal=deal, version=1, data={"name": "Manager's name", "amount": "7000"}
    )
    client.force_login(rep)

    response = client.post(f"/deals/{deal.pk}/edit/", edit_post(deal, rep))

    assert response.status_code == 409
    page = response.content.decode()
    assert page.count('role="alert"') == 1
    assert 'class="form-errors"' not in page
    notice = page.split('class="stale-notice"')[1].split("</div>")[0]
    assert f"Not saved: {manager.display_name} changed this deal" in notice
    assert "(just now)" in notice
    assert "version" not in notice.lower()
    rows = notice.split("<tbody>")[1]
    assert "Rep&#x27;s name" in rows and "Manager&#x27;s name" in rows
    assert "5,000.00" in rows and "7,000.00" in rows
    assert "Currency" not in rows  # unchanged fields are not listed
    deal.refresh_from_db()
    assert deal.name == "Manager's name"


def test_it_saves_the_edit_once_the_changes_were_shown(client, rep, manager, deal):
    services.deal_update(actor=manager, deal=deal, version=1, data={"name": "Manager's name"})
    client.force_login(rep)

    page = client.post(f"/deals/{deal.pk}/edit/", edit_post(deal, rep)).content.decode()
    again = client.post(f"/deals/{deal.pk}/edit/", edit_post(deal, rep, version=2))

    assert 'name="version" value="2"' in page
    assert again.status_code == 302
    deal.refresh_from_db()
    assert (deal.name, deal.version) == ("Rep's name", 3)


def test_it_calls_a_version_ahead_of_the_deal_a_bad_request(client, api_as, rep, deal):
    client.force_login(rep)

    page = client.post(f"/deals/{deal.pk}/edit/", edit_post(deal, rep, version=9))
    api = api_as(rep).patch(f"/api/v1/deals/{deal.pk}/", {"name": "X", "version": 9}, format="json")

    assert page.status_code == 200
    text = page.content.decode()
    assert "does not exist" in text
    assert "Someone else changed" not in text and "changed this deal while" not in text
    assert api.status_code == 400
    assert "does not exist" in api.json()["version"][0]
    deal.refresh_from_db()
    assert (deal.name, deal.version) == ("Acme expansion", 1)


def test_it_shows_no_version_number_on_the_deal_page(client, rep, deal):
    client.force_login(rep)

    page = client.get(f"/deals/{deal.pk}/").content.decode()

    assert "<dt>Version</dt>" not in page


def test_it_marks_the_amount_from_line_items_as_not_editable(client, rep, deal):
    from tests.factories import ProductFactory

    services.line_item_add(actor=rep, deal=deal, product=ProductFactory(), quantity=1)
    client.force_login(rep)

    page = client.get(f"/deals/{deal.pk}/edit/").content.decode()
    css = (settings.BASE_DIR / "static/css/app.css").read_text()

    assert 'name="amount"' in page and "disabled" in page.split('name="amount"')[1].split(">")[0]
    assert "input:disabled" in css and "cursor: not-allowed" in css


# ---------------------------------------------------------------- one figure, one definition


def test_the_month_plan_and_the_dashboard_show_the_same_win_rate(client, rep):
    from datetime import timedelta

    from django.utils import timezone

    from deals.periods import add_months
    from tests.deals.report_factories import lost_deal, won_deal

    this_month = timezone.localdate().replace(day=1)
    # in the six full months before this one: 2 won, 1 lost ...
    won_deal(rep, 1_000, closed=add_months(this_month, -1))
    won_deal(rep, 1_000, closed=add_months(this_month, -5))
    lost_deal(rep, 1_000, closed=add_months(this_month, -2))
    # ... and this month (outside both windows): 2 lost
    lost_deal(rep, 1_000, closed=this_month)
    lost_deal(rep, 1_000, closed=this_month + timedelta(days=0))
    client.force_login(rep)

    plan = client.get("/deals/month-plan/").content.decode()
    dashboard = client.get("/deals/dashboard/").content.decode()

    assert "<strong>67%</strong>" in plan
    stat = dashboard.split('<div class="label">Win rate</div>')[1].split("</div></div>")[0]
    assert "67%" in stat
    window = f"{add_months(this_month, -6):%b %Y} – {add_months(this_month, -1):%b %Y}"
    assert window in stat


def test_the_dashboard_home_and_list_round_the_weighted_sum_once(rep):
    from decimal import Decimal

    from deals.models import Deal
    from deals.reporting import selectors as reporting
    from deals.selectors import deal_totals
    from tests.deals.report_factories import open_deal

    # each deal weighs half a cent: 0.015 in all, 0.02 once rounded (not 3 x 0.01)
    open_deal(rep, "0.05", stage_name="Prospecting")  # 10%
    open_deal(rep, "0.02", stage_name="Discovery")  # 25%
    open_deal(rep, "0.01", stage_name="Proposal")  # 50%

    dashboard = reporting.pipeline_summary(user=rep)["total"]["weighted_amount"]
    listed = deal_totals(Deal.objects.visible_to(rep).filter(status="open"))["weighted"]

    assert dashboard == listed == Decimal("0.02")


# ---------------------------------------------------------------- home


def home_widget(client, user):
    client.force_login(user)
    response = client.get("/")
    widget = next(w for w in response.context["widgets"] if w["key"] == "deals.my_open_deals")
    return widget["context"], response.content.decode()


def test_a_managers_home_shows_the_teams_open_deals(client, manager, rep, teammate, other_rep):
    from tests.deals.report_factories import open_deal

    open_deal(rep, 1_000, close=date(2027, 1, 5))
    open_deal(teammate, 3_000, close=date(2027, 1, 9))
    open_deal(other_rep, 9_000, close=date(2027, 1, 1))  # another team

    context, page = home_widget(client, manager)

    assert (context["count"], context["amount"]) == (2, Decimal("4000.00"))
    assert [d.owner for d in context["next_closes"]] == [rep, teammate]
    assert "Your team's open deals" in page
    assert "No open deals. " not in page
    assert "Start one" not in page


def test_a_managers_empty_team_reads_as_the_team(client, manager):
    context, page = home_widget(client, manager)

    assert context["count"] == 0
    assert "Your team has no open deals." in page
    assert "Start one" not in page


def test_a_reps_home_keeps_their_own_deals(client, rep, teammate):
    from tests.deals.report_factories import open_deal

    open_deal(teammate, 3_000)

    context, page = home_widget(client, rep)

    assert context["count"] == 0
    assert "My open deals" in page and "Start one" in page


def test_the_home_widget_runs_a_bounded_number_of_queries(
    client, manager, rep, django_assert_max_num_queries
):
    from tests.deals.report_factories import open_deal

    for n in range(12):
        open_deal(rep, 100 + n, close=date(2027, 1, 1 + n))
    client.force_login(manager)

    with django_assert_max_num_queries(60):
        client.get("/")
