"""Quotas: who may set them (services, API, the grid page) and bad input."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from deals import periods
from deals.models import Quota
from deals.reporting import services as reporting_services
from salesproc.models import Event

from .report_factories import quota

JUNE = date(2025, 6, 1)


@pytest.mark.django_db
def test_it_lets_a_manager_set_a_quota_for_a_team_rep(manager, rep):
    created = reporting_services.quota_create(
        actor=manager, user=rep, period_start=JUNE, amount="40000"
    )

    assert (created.user, created.period_start, created.period_end, created.amount) == (
        rep,
        JUNE,
        date(2025, 6, 30),
        Decimal("40000.00"),
    )
    assert Event.objects.filter(name="quota.set", actor=manager).count() == 1


@pytest.mark.django_db
def test_it_lets_an_admin_set_anyones_quota(admin, other_rep):
    assert (
        reporting_services.quota_create(
            actor=admin, user=other_rep, period_start=JUNE, amount=1
        ).amount
        == 1
    )


@pytest.mark.django_db
def test_it_refuses_quota_writes_to_a_rep(rep, teammate):
    with pytest.raises(PermissionDenied):
        reporting_services.quota_create(actor=rep, user=rep, period_start=JUNE, amount=1)
    existing = quota(teammate, JUNE, 100)
    with pytest.raises(PermissionDenied):
        reporting_services.quota_update(actor=rep, quota=existing, amount=1)
    with pytest.raises(PermissionDenied):
        reporting_services.quota_delete(actor=rep, quota=existing)
    assert list(Quota.objects.values_list("amount", flat=True)) == [Decimal("100.00")]


@pytest.mark.django_db
def test_it_keeps_a_manager_to_their_own_team(manager, other_rep):
    with pytest.raises(ValidationError) as error:
        reporting_services.quota_create(actor=manager, user=other_rep, period_start=JUNE, amount=1)
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError):  # nor their own quota
        reporting_services.quota_create(actor=manager, user=manager, period_start=JUNE, amount=1)
    assert Quota.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"period_start": date(2025, 6, 15)}, "period_start"),
        ({"period_start": "2025-06"}, "period_start"),
    ],
)
def test_it_refuses_a_bad_quota(manager, rep, kwargs, field):
    data = {"user": rep, "period_start": JUNE, "amount": "10"}
    data.update(kwargs)

    with pytest.raises(ValidationError) as error:
        reporting_services.quota_create(actor=manager, **data)

    assert field in error.value.message_dict
    assert Quota.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_second_quota_for_the_same_month(manager, rep):
    quota(rep, JUNE, 100)

    with pytest.raises(ValidationError) as error:
        reporting_services.quota_create(actor=manager, user=rep, period_start=JUNE, amount=200)

    assert "already has a quota" in error.value.message_dict["period_start"][0]


@pytest.mark.django_db
def test_it_updates_and_deletes_a_quota_with_events(manager, rep):
    existing = quota(rep, JUNE, 100)

    reporting_services.quota_update(actor=manager, quota=existing, amount="150")
    assert Quota.objects.get().amount == Decimal("150.00")
    reporting_services.quota_delete(actor=manager, quota=existing)

    assert Quota.objects.count() == 0
    assert list(
        Event.objects.filter(name__startswith="quota.")
        .values_list("name", flat=True)
        .order_by("id")
    ) == [
        "quota.changed",
        "quota.deleted",
    ]


@pytest.mark.django_db
def test_it_applies_a_quota_grid_all_or_nothing(manager, rep, teammate, other_rep):
    quota(rep, JUNE, 100)
    quota(teammate, JUNE, 200)
    july = date(2025, 7, 1)

    counts = reporting_services.quotas_set(
        actor=manager,
        entries=[(rep, JUNE, Decimal("150")), (rep, july, Decimal("160")), (teammate, JUNE, None)],
    )

    assert counts == {"created": 1, "changed": 1, "removed": 1}
    assert set(Quota.objects.values_list("user__username", "period_start", "amount")) == {
        ("alice", JUNE, Decimal("150.00")),
        ("alice", july, Decimal("160.00")),
    }
    with pytest.raises(ValidationError) as error:
        reporting_services.quotas_set(
            actor=manager, entries=[(rep, JUNE, Decimal("999")), (other_rep, JUNE, Decimal("5"))]
        )
    assert list(error.value.message_dict) == [f"{other_rep.pk}:2025-06"]
    assert Quota.objects.get(user=rep, period_start=JUNE).amount == Decimal("150.00")


# -- API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_reads_updates_and_deletes_quotas_over_the_api(api_as, manager, rep):
    client = api_as(manager)

    created = client.post(
        "/api/v1/quotas/", {"user": rep.pk, "period": "2025-06", "amount": "40000"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (
        body["user"],
        body["period"],
        body["period_start"],
        body["period_end"],
        body["amount"],
    ) == (
        rep.pk,
        "2025-06",
        "2025-06-01",
        "2025-06-30",
        "40000.00",
    )
    url = f"/api/v1/quotas/{body['id']}/"
    assert client.patch(url, {"amount": "45000"}, format="json").json()["amount"] == "45000.00"
    assert client.patch(url, {"period": "2025-07"}, format="json").status_code == 400
    assert client.get("/api/v1/quotas/", {"period": "2025-06", "user": rep.pk}).json()["count"] == 1
    assert client.get("/api/v1/quotas/", {"period": "2025-07"}).json()["count"] == 0
    assert client.delete(url).status_code == 204
    assert Quota.objects.count() == 0


@pytest.mark.django_db
def test_it_lets_a_rep_read_only_their_own_quotas(api_as, rep, teammate):
    mine = quota(rep, JUNE, 100)
    quota(teammate, JUNE, 200)
    client = api_as(rep)

    listed = client.get("/api/v1/quotas/").json()
    create = client.post(
        "/api/v1/quotas/", {"user": rep.pk, "period": "2025-07", "amount": "1"}, format="json"
    )
    update = client.patch(f"/api/v1/quotas/{mine.pk}/", {"amount": "999"}, format="json")
    delete = client.delete(f"/api/v1/quotas/{mine.pk}/")

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert (create.status_code, update.status_code, delete.status_code) == (403, 403, 403)
    assert list(Quota.objects.filter(user=rep).values_list("amount", flat=True)) == [
        Decimal("100.00")
    ]


@pytest.mark.django_db
def test_it_hides_another_teams_quotas_from_a_manager(api_as, manager, other_rep):
    theirs = quota(other_rep, JUNE, 300)
    client = api_as(manager)

    create = client.post(
        "/api/v1/quotas/", {"user": other_rep.pk, "period": "2025-07", "amount": "1"}, format="json"
    )
    update = client.patch(f"/api/v1/quotas/{theirs.pk}/", {"amount": "1"}, format="json")
    delete = client.delete(f"/api/v1/quotas/{theirs.pk}/")

    assert create.status_code == 400
    assert "user" in create.json()
    assert (update.status_code, delete.status_code) == (404, 404)
    assert client.get(f"/api/v1/quotas/{theirs.pk}/").status_code == 404
    assert Quota.objects.get().amount == Decimal("300.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2025-13", "amount": "1"}, "period"),
        ({"period": "2025-06", "amount": "-1"}, "amount"),
        ({"period": "2025-06"}, "amount"),
        ({"amount": "1"}, "period"),
    ],
)
def test_it_answers_400_to_a_bad_quota(api_as, manager, rep, body, field):
    response = api_as(manager).post("/api/v1/quotas/", {"user": rep.pk, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Quota.objects.count() == 0


@pytest.mark.django_db
def test_it_answers_400_to_a_duplicate_quota(api_as, manager, rep):
    quota(rep, JUNE, 1)

    response = api_as(manager).post(
        "/api/v1/quotas/", {"user": rep.pk, "period": "2025-06", "amount": "2"}, format="json"
    )

    assert response.status_code == 400
    assert "period_start" in response.json()


# -- page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_quota_grid_to_managers_only(client, rep, manager, teammate):
    client.force_login(rep)
    assert client.get(reverse("deals:quota_admin")).status_code == 403
    client.force_login(manager)

    response = client.get(reverse("deals:quota_admin"))

    assert response.status_code == 200
    assert [person.username for person in response.context["form"].people] == ["alice", "bob"]
    assert len(response.context["periods"]) == 6


@pytest.mark.django_db
def test_it_saves_the_quota_grid(client, manager, rep, teammate):
    client.force_login(manager)
    start = timezone.localdate().replace(day=1)
    second = periods.add_months(start, 1)
    data = {"start": start.strftime("%Y-%m")}
    data[f"q-{rep.pk}-{start:%Y-%m}"] = "40000"
    data[f"q-{teammate.pk}-{second:%Y-%m}"] = "25000"

    response = client.post(reverse("deals:quota_admin"), data)

    assert response.status_code == 302
    assert set(Quota.objects.values_list("user__username", "period_start", "amount")) == {
        ("alice", start, Decimal("40000.00")),
        ("bob", second, Decimal("25000.00")),
    }


@pytest.mark.django_db
def test_it_fills_blank_months_from_the_left(client, manager, rep):
    client.force_login(manager)
    start = timezone.localdate().replace(day=1)

    client.post(reverse("deals:quota_admin"), {f"q-{rep.pk}-{start:%Y-%m}": "30000", "fill": "1"})

    assert Quota.objects.filter(user=rep, amount=Decimal("30000")).count() == 6


@pytest.mark.django_db
def test_it_shows_bad_grid_cells_as_errors(client, manager, rep):
    client.force_login(manager)
    start = timezone.localdate().replace(day=1)

    response = client.post(reverse("deals:quota_admin"), {f"q-{rep.pk}-{start:%Y-%m}": "-3"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Quota.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 12])
def test_it_shows_the_quota_grid_in_a_bounded_number_of_queries(
    client, api_as, admin, roles, n, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    start = timezone.localdate().replace(day=1)
    for i in range(n):
        person = UserFactory(username=f"seller{i}", role=roles["inside-rep"])
        quota(person, start, 1000)
    client.force_login(admin)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("deals:quota_admin")).status_code == 200
    with django_assert_max_num_queries(5):
        assert api_as(admin).get("/api/v1/quotas/").status_code == 200
