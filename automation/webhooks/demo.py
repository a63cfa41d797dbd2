"""Demo data: one switched-off subscription, so Settings -> Webhooks shows one."""

from salesproc.models import User

from . import signing
from .models import Webhook

DEMO_URL = "https://hooks.example.com/salesproc"


def seed_demo(*, stdout=None):
    admin = User.objects.filter(is_active=True, role__is_admin=True).order_by("pk").first()
    if admin is None or Webhook.objects.filter(url=DEMO_URL).exists():
        return
    Webhook.objects.create(
        owner=admin,
        url=DEMO_URL,
        events=["deal.won", "deal.lost", "lead.*"],
        active=False,
        description="Example: the billing system hears about won deals (switched off).",
        secret=signing.new_secret(),
    )
    if stdout:
        stdout.write("  webhooks: 1 example subscription (switched off)")
