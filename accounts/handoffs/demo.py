"""Demo handoffs: the demo's won deals on rep3's and rep4's key accounts, handed over
through the same subscriber the deal.won event runs, left pending, submitted or accepted."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from salesproc.models import Event
from salesproc.registry import DemoSeeder, register_demo

from . import services
from .models import Handoff
from .subscribers import open_handoff_on_win

DEBRIEF = services.Debrief(
    what_was_sold="The platform licence for three sites, with onboarding.",
    why_they_bought="Their reporting took a week each month; the pilot did it in a day.",
    promises="A named onboarding lead and a review after 60 days.",
    stakeholders="COO: sponsor, keen. IT director: sceptical about the integration.",
    expectations="Live at the first site within six weeks; month-end reporting in a day.",
    risks="The integration with their warehouse system is untested.",
    next_steps="Kick-off call with the COO and IT director.",
)


@transaction.atomic
def seed(*, stdout=None):
    if Handoff.objects.exists():
        return
    recent = timezone.now() - timedelta(days=120)
    won = (
        Event.objects.filter(name="deal.won", references__isnull=False, created_at__gte=recent)
        .order_by("created_at", "id")
        .distinct()
    )
    for event in won[:200]:
        open_handoff_on_win(event)
    handoffs = list(
        Handoff.objects.filter(to_user__username__in=["rep3", "rep4"])
        .select_related("account", "from_user", "to_user")
        .order_by("id")
    )
    for n, handoff in enumerate(handoffs[:12]):
        if n % 3 == 0:
            continue  # pending: the rep has not written the debrief yet
        services.handoff_update_debrief(actor=handoff.from_user, handoff=handoff, debrief=DEBRIEF)
        services.handoff_submit(actor=handoff.from_user, handoff=handoff)
        services.handoff_comment(
            actor=handoff.to_user, handoff=handoff, text="Who owns the integration on their side?"
        )
        if n % 3 == 2:
            services.handoff_comment(
                actor=handoff.from_user, handoff=handoff, text="Their IT director, Jonas."
            )
            services.handoff_accept(actor=handoff.to_user, handoff=handoff)
    if stdout:
        stdout.write(f"  handoffs: {Handoff.objects.count()}")


def register():
    register_demo(DemoSeeder("handoffs", seed, order=82))
