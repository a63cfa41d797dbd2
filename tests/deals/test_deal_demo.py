import pytest

from accounts import demo as accounts_demo
from deals import demo
from deals.models import Deal, LineItem, Pipeline, Product, StageChange
from salesproc.demo import seed_people

pytestmark = pytest.mark.django_db


def test_it_seeds_the_demo_deals_once_and_deterministically():
    seed_people()
    accounts_demo.seed()

    demo.seed()
    first = (
        Deal.objects.count(),
        LineItem.objects.count(),
        StageChange.objects.count(),
        sorted(Deal.objects.values_list("name", flat=True))[:5],
    )
    demo.seed()

    assert first[0] == 200
    assert (
        Deal.objects.count(),
        LineItem.objects.count(),
        StageChange.objects.count(),
        sorted(Deal.objects.values_list("name", flat=True))[:5],
    ) == first
    assert list(Pipeline.objects.values_list("name", "is_default")) == [
        ("New business", True),
        ("Renewals", False),
    ]
    assert Product.objects.count() == 11
    assert set(Deal.objects.values_list("status", flat=True)) == {"open", "won", "lost"}
    assert not Deal.objects.filter(
        status="lost", lost_reason__isnull=True, lost_reason_detail=""
    ).exists()
    assert not Deal.objects.exclude(status="open").filter(closed_at__isnull=True).exists()
    # every deal's history starts with its creation and ends in its current stage
    for deal in Deal.objects.prefetch_related("stage_history")[:40]:
        history = list(deal.stage_history.all())
        assert history[0].from_stage is None
        assert history[-1].to_stage_id == deal.stage_id
        assert [h.changed_at for h in history] == sorted(h.changed_at for h in history)
