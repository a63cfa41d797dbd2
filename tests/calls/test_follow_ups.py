"""One follow-up per call: once one is planned (in the log form or by one click), the
call offers it instead of another, and a second one needs the rep to ask for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from calls import services
from calls.models import Call

from .factories import CallTypeFactory, complete, debrief, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed_up(rep):
    """A call logged with its follow-up scheduled in the same step, then debriefed."""
    CallTypeFactory(name="Follow-up", bank=["Any news?"])
    call = plan(rep, questions=["Q1", "Q2"])
    complete(
        call,
        asked=(True, False),
        next_steps="Send pricing",
        follow_up_at=call.scheduled_at + timedelta(days=7),
    )
    return debrief(call)


def test_it_refuses_a_second_follow_up_unless_asked_for(rep, followed_up):
    first = Call.objects.get(follow_up_of=followed_up)

    with pytest.raises(ValidationError) as error:
        services.call_plan_follow_up(
            actor=rep, call=followed_up, scheduled_at=followed_up.scheduled_at + timedelta(days=8)
        )

    assert error.value.message_dict == {
        "follow_up": [
            "A follow-up is already planned for this call: “Send pricing”. "
            "Plan another only if you mean to."
        ]
    }
    assert list(Call.objects.filter(follow_up_of=followed_up)) == [first]

    second = services.call_plan_follow_up(
        actor=rep,
        call=followed_up,
        scheduled_at=followed_up.scheduled_at + timedelta(days=8),
        another=True,
    )

    assert sorted(Call.objects.filter(follow_up_of=followed_up).values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_a_cancelled_follow_up_does_not_count(rep, followed_up):
    first = Call.objects.get(follow_up_of=followed_up)
    services.call_cancel(actor=rep, call=first)

    again = services.call_plan_follow_up(
        actor=rep, call=followed_up, scheduled_at=followed_up.scheduled_at + timedelta(days=8)
    )

    assert again.follow_up_of == followed_up
    assert again.status == Call.Status.PLANNED


def test_the_call_page_shows_the_planned_follow_up_instead_of_the_offer(client, rep, followed_up):
    first = Call.objects.get(follow_up_of=followed_up)
    client.force_login(rep)

    page = client.get(f"/calls/{followed_up.pk}/").content.decode()

    assert "Follow up in a week" not in page
    assert "Follow-up planned for" in page
    assert f'href="/calls/{first.pk}/"' in page
    assert f'href="/calls/plan/?follow_up_of={followed_up.pk}&amp;another=1"' in page


def test_the_debrief_page_shows_the_planned_follow_up(client, rep):
    CallTypeFactory(name="Follow-up", bank=[])
    call = plan(rep)
    complete(call, next_steps="Send pricing", follow_up_at=call.scheduled_at + timedelta(days=7))
    first = Call.objects.get(follow_up_of=call)
    client.force_login(rep)

    page = client.get(f"/calls/{call.pk}/debrief/").content.decode()

    assert "Follow-up planned for" in page
    assert f'href="/calls/{first.pk}/"' in page


def test_one_click_does_not_plan_a_second_follow_up(client, rep, followed_up):
    client.force_login(rep)

    response = client.post(f"/calls/{followed_up.pk}/follow-up/", {"in_days": "7"}, follow=True)

    assert "A follow-up is already planned for this call" in response.content.decode()
    assert Call.objects.filter(follow_up_of=followed_up).count() == 1


def test_the_plan_page_plans_another_follow_up_only_when_asked(client, rep, followed_up):
    client.force_login(rep)
    later = (followed_up.scheduled_at + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    body = {
        "scheduled_at": later,
        "planned_duration_minutes": "30",
        "channel": "phone",
        "purpose": "Second follow-up",
        "contact": followed_up.contact_id,
        "account": followed_up.account_id,
    }

    refused = client.post(f"/calls/plan/?follow_up_of={followed_up.pk}", body)
    assert refused.status_code == 200
    assert "A follow-up is already planned for this call" in refused.content.decode()
    assert Call.objects.filter(follow_up_of=followed_up).count() == 1

    accepted = client.post(f"/calls/plan/?follow_up_of={followed_up.pk}&another=1", body)
    assert accepted.status_code == 302
    assert Call.objects.filter(follow_up_of=followed_up).count() == 2


def test_the_api_refuses_a_second_follow_up_unless_asked_for(rep, api_as, followed_up):
    url = f"/api/v1/calls/{followed_up.pk}/follow-up/"
    when = (followed_up.scheduled_at + timedelta(days=8)).isoformat()

    refused = api_as(rep).post(url, {"scheduled_at": when}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {
        "follow_up": [
            "A follow-up is already planned for this call: “Send pricing”. "
            "Plan another only if you mean to."
        ]
    }
    assert Call.objects.filter(follow_up_of=followed_up).count() == 1

    accepted = api_as(rep).post(url, {"scheduled_at": when, "another": True}, format="json")

    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["follow_up_of"] == followed_up.pk
    assert Call.objects.filter(follow_up_of=followed_up).count() == 2


def test_only_the_owner_plans_a_follow_up(rep, manager, followed_up):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied) as error:
        services.call_plan_follow_up(
            actor=manager,
            call=followed_up,
            scheduled_at=followed_up.scheduled_at + timedelta(days=8),
            another=True,
        )

    assert str(error.value) == (
        f"Only {rep.display_name}, who owns this call, can plan its follow-up."
    )
    assert Call.objects.filter(follow_up_of=followed_up).count() == 1
