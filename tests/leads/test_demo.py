import pytest

from accounts.models import Account
from deals.models import Deal
from leads import demo
from leads.models import Lead, Qualification
from salesproc.demo import seed_people
from tests.factories import PipelineFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_about_300_leads_once():
    seed_people()
    PipelineFactory()
    before = Lead.objects.count()

    demo.seed()
    counts = (Lead.objects.count(), Qualification.objects.count(), Deal.objects.count())
    demo.seed()

    assert counts[0] - before == demo.LEAD_COUNT
    assert (Lead.objects.count(), Qualification.objects.count(), Deal.objects.count()) == counts
    seeded = Lead.objects.filter(email__endswith=".example")
    assert set(seeded.values_list("status", flat=True)) == {
        "new",
        "working",
        "qualified",
        "disqualified",
        "converted",
    }
    converted = seeded.filter(status="converted")
    assert converted.count() == Deal.objects.filter(source_lead_id__isnull=False).count() > 0
    assert not seeded.filter(status="disqualified", disqualification_reason=None).exists()
    assert Account.objects.filter(pk__in=converted.values("converted_account")).exists()
    assert set(seeded.values_list("owner__username", flat=True)) == {"rep1", "rep2", "rep3", "rep4"}
