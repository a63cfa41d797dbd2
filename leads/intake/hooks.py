"""Navigation, settings links and demo data of intake forms and CSV import."""

from django.db import transaction

from salesproc.registry import (
    DemoSeeder,
    NavItem,
    SettingsLink,
    register_demo,
    register_nav,
    register_settings_link,
)

from . import services as intake
from .models import IntakeForm


def register():
    register_settings_link(
        SettingsLink(
            "Intake forms",
            "leads:intake_form_list",
            "Web forms that create leads, their embed snippet and submissions.",
            order=35,
        )
    )
    register_nav(
        NavItem(
            "Lead imports",
            "leads:import_list",
            process="leads",
            order=22,
            active_prefix="/leads/imports",
        )
    )
    register_demo(DemoSeeder("intake forms", seed_intake_demo, order=45))


DEMO_FORM = "Website contact form"
DEMO_SUBMISSIONS = [
    {
        "name": "Grace Hopper",
        "email": "grace@cobolworks.test",
        "company": "Cobol Works",
        "job_title": "Head of Engineering",
        "phone": "+44 20 7946 0101",
    },
    {
        "first_name": "Alan",
        "last_name": "Turing",
        "email": "alan@bletchley-analytics.test",
        "company_name": "Bletchley Analytics",
        "job_title": "CTO",
    },
    {
        "first_name": "Katherine",
        "last_name": "Johnson",
        "email": "kj@orbitlabs.test",
        "company_name": "Orbit Labs",
        "job_title": "Procurement lead",
    },
    {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "GRACE@cobolworks.test",
        "phone": "+44 20 7946 0199",
    },
    {
        "first_name": "Buy",
        "last_name": "Cheap",
        "email": "spam@bots.test",
        "contact_me_by_fax_only": "yes please",
    },
]


def seed_intake_demo(*, stdout=None):
    """One intake form for team North and a few submissions through it. Idempotent."""
    from salesproc.models import Team, User

    if IntakeForm.objects.filter(name=DEMO_FORM).exists():
        return
    admin = User.objects.filter(role__is_admin=True).order_by("id").first()
    team = Team.objects.filter(name="North").first() or Team.objects.order_by("id").first()
    if admin is None or team is None:
        return
    with transaction.atomic():
        form = intake.intake_form_create(
            actor=admin,
            data={
                "name": DEMO_FORM,
                "source": "web",
                "team": team,
                "allowed_fields": [
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "job_title",
                    "company_name",
                ],
                "aliases": {"company": "company_name"},
                "is_active": True,
            },
        )
    for payload in DEMO_SUBMISSIONS:
        submission = intake.intake_submission_receive(form=form, payload=payload)
        intake.intake_submission_process(submission_id=submission.pk)
    if stdout:
        stdout.write(f"  intake: form “{form.name}” with {len(DEMO_SUBMISSIONS)} submissions")
