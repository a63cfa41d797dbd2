"""The demo seeder: call types, an objection library and about 400 calls, once."""

import pytest

from accounts.demo import seed as seed_accounts
from calls.demo import seed as seed_calls
from calls.models import Call, CallType, Objection
from salesproc.demo import seed_people

pytestmark = pytest.mark.django_db


def test_it_seeds_calls_in_every_state_and_only_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_people()
    seed_accounts()

    seed_calls()
    first = Call.objects.count()
    seed_calls()

    assert Call.objects.count() == first
    assert 380 <= first <= 440
    assert set(Call.objects.values_list("status", flat=True)) == set(Call.Status.values)
    assert sorted(CallType.objects.values_list("name", flat=True)) == [
        "Check-in",
        "Demo",
        "Discovery",
        "Follow-up",
        "Negotiation",
    ]
    assert Objection.objects.count() == 12
    reviewed = Call.objects.filter(status=Call.Status.REVIEWED)
    assert set(reviewed.values_list("reviewer__username", flat=True)) == {"manager1", "manager2"}
    assert Call.objects.filter(status="debriefed", review_requested_at__isnull=False).exists()
    assert not Call.objects.filter(
        status="planned", contact__isnull=True, lead__isnull=True
    ).exists()
