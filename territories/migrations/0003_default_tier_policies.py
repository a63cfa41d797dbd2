from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    # tier: (min_potential, top_share_percent, visits, period weeks, channel, min gap days)
    "A": (Decimal("100000"), 20, 2, 4, "in_person", 10),
    "B": (Decimal("40000"), 30, 1, 4, "in_person", 21),
    "C": (Decimal("10000"), 30, 1, 8, "video", 35),
    "D": (Decimal("0"), 20, 1, 12, "phone", 60),
}


def seed(apps, schema_editor):
    TierPolicy = apps.get_model("territories", "TierPolicy")
    for tier, (low, share, visits, weeks, channel, gap) in DEFAULTS.items():
        TierPolicy.objects.get_or_create(
            tier=tier,
            defaults={
                "min_potential": low,
                "top_share_percent": share,
                "visits_per_period": visits,
                "period_weeks": weeks,
                "channel": channel,
                "min_gap_days": gap,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("territories", "0002_potential_and_tier_policies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
