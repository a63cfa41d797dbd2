"""The demo data of the time audit and email templates: there, telling the story, idempotent."""

import pytest

from automation.audit import selectors
from automation.audit.models import TimeAudit, TimeEntry
from automation.emails.models import EmailTemplate
from salesproc.demo import seed_people
from salesproc.models import User
from salesproc.registry import registry

pytestmark = pytest.mark.django_db


def run(name):
    next(s for s in registry.demo_seeders if s.name == name).run(stdout=None)


def test_the_demo_shows_two_north_audits_with_proposal_and_email_time_down():
    seed_people()
    for _ in range(2):
        run("automation.email_templates")
        run("automation.time_audit")
    assert EmailTemplate.objects.count() == 10
    before, after = TimeAudit.objects.order_by("starts_on")
    assert (after.starts_on - before.starts_on).days > 45
    admin = User.objects.get(username="admin")
    rows = {
        r["name"]: r
        for r in selectors.audit_comparison(
            before=selectors.audit_report(user=admin, audit=before),
            after=selectors.audit_report(user=admin, audit=after),
        )
    }
    for name in ("Preparing proposals and quotes", "Writing emails"):
        assert rows[name]["after"] < rows[name]["before"] / 1.5
    count = TimeEntry.objects.count()
    run("automation.time_audit")
    assert TimeEntry.objects.count() == count


def test_every_demo_template_is_a_valid_template():
    from automation.emails.services import check_text

    seed_people()
    run("automation.email_templates")
    for template in EmailTemplate.objects.all():
        assert check_text(subject=template.subject, body=template.body) == {}, template.name
