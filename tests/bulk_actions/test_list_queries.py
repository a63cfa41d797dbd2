"""The lists with row checkboxes and the bulk bar keep a bounded number of queries."""

import pytest
from django.utils import timezone

from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal, Stage
from leads.models import Lead
from tests.factories import PipelineFactory

pytestmark = pytest.mark.django_db


def make_rows(kind, owner, n):
    if kind == "lead":
        Lead.objects.bulk_create(
            Lead(first_name="L", last_name=f"{i}", email=f"l{i}@x.test", owner=owner)
            for i in range(n)
        )
        return
    account = Account.objects.create(name="Base", owner=owner)
    if kind == "account":
        Account.objects.bulk_create(Account(name=f"A{i}", owner=owner) for i in range(n - 1))
    elif kind == "contact":
        Contact.objects.bulk_create(
            Contact(first_name="C", last_name=f"{i}", owner=owner, account=account)
            for i in range(n)
        )
    elif kind == "deal":
        pipeline = PipelineFactory()
        stage = Stage.objects.filter(pipeline=pipeline).first()
        Deal.objects.bulk_create(
            Deal(
                name=f"D{i}", account=account, owner=owner, pipeline=pipeline, stage=stage, amount=i
            )
            for i in range(n)
        )
    elif kind == "call":
        now = timezone.now()
        Call.objects.bulk_create(
            Call(owner=owner, account=account, purpose=f"Call {i}", scheduled_at=now)
            for i in range(n)
        )


LISTS = {
    "lead": ("/leads/?status=all", 12),
    "account": ("/accounts/companies/", 9),
    "contact": ("/accounts/contacts/", 9),
    "deal": ("/deals/", 12),
    "call": ("/calls/all/", 12),
}


@pytest.mark.parametrize("rows", [10, 1000])
@pytest.mark.parametrize("kind", list(LISTS))
def test_the_list_with_checkboxes_runs_a_bounded_number_of_queries(
    client, manager, kind, rows, django_assert_max_num_queries
):
    make_rows(kind, manager, rows)
    client.force_login(manager)
    url, limit = LISTS[kind]
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('class="bulk-row"') == min(rows, 25)
    assert f'id="bulk-{kind}"' in text
    assert 'class="bulk-all"' in text
    if rows > 25:
        assert f"All {rows} matching this filter" in text
