"""The deal list's registry seam (salesproc.registry.DealListField): another app's
column, sorted and filtered in SQL, annotated only when asked for."""

import pytest
from django.db.models import F, Q

from salesproc import registry as registry_module
from salesproc.registry import DealListField
from tests.conftest import api_for
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    return []


@pytest.fixture
def size_field(monkeypatch, calls):
    """A made-up contribution: the deal's amount in thousands, filterable as big/small."""

    def annotate(queryset):
        calls.append("annotate")
        return queryset.annotate(size=F("amount") / 1000)

    field = DealListField(
        "size",
        "Size",
        annotate,
        filters={"big": ("Big", Q(size__gte=10)), "small": ("Small", Q(size__lt=10))},
    )
    monkeypatch.setattr(registry_module.registry, "deal_list_fields", [field])
    return field


@pytest.fixture
def deals(rep):
    return [
        DealFactory(owner=rep, name="Small deal", amount=2000),
        DealFactory(owner=rep, name="Big deal", amount=50000),
        DealFactory(owner=rep, name="Middle deal", amount=9000),
    ]


def names(response):
    return [deal.name for deal in response.context["page"].object_list]


def test_a_registered_field_sorts_and_filters_the_list(client, rep, deals, size_field):
    client.force_login(rep)

    assert names(client.get("/deals/?sort=-size")) == ["Big deal", "Middle deal", "Small deal"]
    assert names(client.get("/deals/?size=small&sort=size")) == ["Small deal", "Middle deal"]
    body = client.get("/deals/").content.decode()
    assert '<select id="f-size" name="size">' in body and "sort=size" in body


def test_a_plain_list_does_not_annotate(client, rep, deals, size_field, calls):
    client.force_login(rep)

    client.get("/deals/")
    api_for(rep).get("/api/v1/deals/")

    assert calls == []


def test_without_a_contribution_there_are_no_controls_and_the_sort_falls_back(
    client, rep, deals, monkeypatch
):
    monkeypatch.setattr(registry_module.registry, "deal_list_fields", [])
    client.force_login(rep)

    response = client.get("/deals/?sort=-size&size=big")

    assert response.status_code == 200
    assert len(names(response)) == 3
    assert 'name="size"' not in response.content.decode()


def test_a_field_of_a_process_the_user_does_not_run_is_ignored(
    client, rep, deals, size_field, monkeypatch
):
    hidden = DealListField(**{**size_field.__dict__, "process": "no-such-process"})
    monkeypatch.setattr(registry_module.registry, "deal_list_fields", [hidden])
    client.force_login(rep)

    response = client.get("/deals/?size=big")

    assert len(names(response)) == 3
    assert api_for(rep).get("/api/v1/deals/?size=bogus").status_code == 200
