"""The event catalogue: every event name a service records is registered.

Two nets, because each misses what the other catches:
- at run time, record_event refuses an unregistered name when EVENT_CATALOGUE_STRICT is
  on (DEBUG, and always in the test suite: tests/conftest.py), so any test that drives a
  service recording a new name fails, whatever way the name was built;
- here, a walk over the apps' source finds every name passed to record_event and its
  helpers as a literal (or an f-string, as a pattern), including paths no test drives.
"""

import ast
import fnmatch
from pathlib import Path

import pytest
from django.conf import settings

from salesproc import events
from salesproc.models import Event
from salesproc.registry import event_types
from tests.factories import AccountFactory

APPS = (
    "salesproc",
    "accounts",
    "deals",
    "leads",
    "calls",
    "opportunities",
    "territories",
    "automation",
)
# Functions that pass their name argument on to record_event (the apps' own helpers).
RECORDERS = {
    "record_event",
    "record_events_bulk",
    "deal_event",
    "config_event",
    "_event",
    "_rule_event",
    "save_config_changes",
    "_save_named",
}


def _names(node):
    """The literal event names (or fnmatch patterns for f-strings) an expression gives."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _names(node.body) + _names(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)]
    return []  # a variable: its literal is found where the helper is called


def recorded_names():
    found = []
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                for keyword in node.keywords:
                    if keyword.arg == "event_name" or (
                        keyword.arg == "name" and called in RECORDERS
                    ):
                        found += [(n, path, node.lineno) for n in _names(keyword.value)]
                helper = called in {"deal_event", "config_event", "_event", "_rule_event"}
                if helper and len(node.args) > 1:
                    found += [(n, path, node.lineno) for n in _names(node.args[1])]
    return [(n, p, line) for n, p, line in found if "." in n]


def test_every_name_in_the_source_is_in_the_catalogue():
    registered = {e.name for e in event_types()}
    names = recorded_names()
    assert len(names) > 80  # the walk does find them
    missing = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {name}"
        for name, path, line in names
        if not (fnmatch.filter(registered, name) if "*" in name else name in registered)
    ]
    assert not missing, "Register these in the app's event_types.py:\n" + "\n".join(missing)


def test_every_catalogue_entry_is_described_with_an_example_and_a_known_record():
    from salesproc.registry import record_type

    for item in event_types():
        assert item.description, item.name
        assert isinstance(item.example, dict), item.name
        assert not item.record or record_type(item.record), item.name


@pytest.mark.django_db
def test_recording_an_unregistered_name_fails_in_the_test_suite(rep):
    account = AccountFactory(owner=rep)
    with pytest.raises(events.UnregisteredEvent, match="account.exploded"):
        events.record_event(subject=account, name="account.exploded", actor=rep)
    with pytest.raises(events.UnregisteredEvent):
        events.record_events_bulk(subjects=[account], name="account.exploded")
    assert not Event.objects.filter(name="account.exploded").exists()


@pytest.mark.django_db
def test_without_strictness_it_is_recorded_and_logged(rep, settings, caplog):
    settings.EVENT_CATALOGUE_STRICT = False
    account = AccountFactory(owner=rep)
    events.record_event(subject=account, name="account.exploded", actor=rep)
    assert Event.objects.filter(name="account.exploded").exists()
    assert "not in the event catalogue" in caplog.text


@pytest.mark.django_db
def test_the_events_page_lists_the_catalogue_for_admins_only(client, admin, rep, manager):
    client.force_login(admin)
    response = client.get("/settings/events/catalogue/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "call.completed" in text and "lead.intake_received" in text
    assert "/settings/events/catalogue/" in client.get("/settings/").content.decode()
    for user in (rep, manager):
        client.force_login(user)
        assert client.get("/settings/events/catalogue/").status_code == 404
