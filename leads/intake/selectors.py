"""Reads for intake: which lead a submission belongs to, what it offers the owner."""

from leads.models import Lead

from .models import IntakeForm, IntakeSubmission

CLOSED_STATUSES = ("converted", "disqualified")


def matching_team_lead(*, form: IntakeForm, email: str):
    """The open lead of the form's own team with this email, or None.

    A submission is anonymous: it never sees another team's leads, and never a converted
    or disqualified one (those are history).
    """
    if not email or form.team_id is None:
        return None
    return (
        Lead.objects.filter(email=email, owner__team_id=form.team_id)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("id")
        .first()
    )


def pending_changes_for(lead):
    """Submissions attached to this lead whose changes the owner has not accepted yet."""
    return [
        s
        for s in lead.intake_submissions.filter(
            outcome=IntakeSubmission.Outcome.ATTACHED, changes_accepted_at__isnull=True
        )
        .select_related("form")
        .order_by("-received_at", "-id")
        if s.proposed_changes
    ]
