"""Each condition operator, on the event's data and on the record's current fields."""

from decimal import Decimal

import pytest

from automation.workflows.conditions import check, evaluate
from salesproc.models import Event
from tests.factories import DealFactory


def event(name="deal.updated", **data):
    return Event(name=name, data=data, summary="")


def holds(op, value, *, source="data", field="x", ev=None, subject=None, **data):
    ev = ev or event(**data)
    result, _text = check(
        {"source": source, "field": field, "op": op, "value": value}, event=ev, subject=subject
    )
    return result


def test_equals_compares_numbers_as_numbers_and_text_without_case():
    assert holds("equals", "12000", x="12000.00")
    assert holds("equals", "won", x="Won")
    assert not holds("equals", "lost", x="Won")
    assert not holds("equals", "1", y="1")  # a missing field equals nothing


def test_not():
    assert holds("not", "lost", x="won")
    assert not holds("not", "won", x="won")
    assert holds("not", "won")  # missing is not "won"


def test_in_takes_a_list_or_commas():
    assert holds("in", ["a", "b"], x="b")
    assert holds("in", "a, b, c", x="C")
    assert not holds("in", ["a", "b"], x="d")


def test_greater_and_less():
    assert holds("gt", "50000", x="50000.01")
    assert not holds("gt", "50000", x="50000")
    assert holds("lt", 10, x=3)
    assert not holds("lt", 10, x=30)
    assert holds("gt", "2026-11-30", x="2026-12-01")  # ISO dates compare as text
    assert not holds("gt", 5)  # missing: never greater


def test_contains_text_list_and_keys():
    assert holds("contains", "demo", x="They want a Demo next week")
    assert holds("contains", "3", x=[1, 2, 3])
    assert holds("contains", "amount", x={"amount": [1, 2]})
    assert not holds("contains", "price", x="They want a demo")


def test_empty_and_not_empty():
    assert holds("empty", "", x="  ")
    assert holds("empty", "")  # missing is empty
    assert holds("empty", "", x=[])
    assert not holds("empty", "", x="Send the proposal")
    assert holds("not_empty", "", x="Send the proposal")
    assert not holds("not_empty", "", x=None)


def test_changed_to_reads_changes_stage_moves_and_status_events():
    assert holds("changed_to", "working", field="status", changes={"status": ["new", "working"]})
    assert not holds("changed_to", "new", field="status", changes={"status": ["new", "working"]})
    moved = event("deal.stage_changed", to_stage=3, to_stage_name="Proposal")
    assert holds("changed_to", "Proposal", field="stage", ev=moved)
    assert holds("changed_to", "3", field="stage", ev=moved)
    assert holds("changed_to", "won", field="status", ev=event("deal.won"))
    assert not holds("changed_to", "won", field="status", ev=event("deal.lost"))
    category = event("deal.forecast_category_changed", **{"from": "pipeline", "to": "commit"})
    assert holds("changed_to", "commit", field="forecast_category", ev=category)


@pytest.mark.django_db
def test_record_fields_are_read_as_they_are_now(rep):
    deal = DealFactory(owner=rep, amount=Decimal("75000"))
    assert holds("gt", "50000", source="record", field="amount", subject=deal)
    assert holds("equals", "Prospecting", source="record", field="stage.name", subject=deal)
    assert holds("equals", str(rep.pk), source="record", field="owner", subject=deal)
    assert holds("empty", "", source="record", field="closed_at", subject=deal)
    # no private attributes, no methods, no related managers
    assert holds("empty", "", source="record", field="_state", subject=deal)
    assert holds("empty", "", source="record", field="delete", subject=deal)
    assert holds("empty", "", source="record", field="contacts", subject=deal)
    # never a password, token or secret
    assert holds("empty", "", source="record", field="owner.password", subject=deal)
    assert not holds("not_empty", "", source="record", field="owner.password", subject=deal)


def test_all_and_any():
    ev = event(a="1", b="2")
    one = {"source": "data", "field": "a", "op": "equals", "value": "1"}
    other = {"source": "data", "field": "b", "op": "equals", "value": "3"}
    assert evaluate([one, other], "any", event=ev, subject=None)[0]
    matched, reason = evaluate([one, other], "all", event=ev, subject=None)
    assert not matched and "b equals '3' does not hold" in reason
    assert evaluate([], "all", event=ev, subject=None)[0]
