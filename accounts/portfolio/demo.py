"""Demo key accounts: rep3 and rep4 manage about 15 accounts each (customers first), and
every managed account gets its health computed from the other demos' deals and calls."""

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from accounts.health.services import health_recompute
from accounts.models import Account
from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

ACCOUNT_MANAGERS = ["rep3", "rep4"]
PER_MANAGER = 15


@transaction.atomic
def seed(*, stdout=None):
    managers = list(User.objects.filter(username__in=ACCOUNT_MANAGERS).order_by("username"))
    if len(managers) < len(ACCOUNT_MANAGERS):
        return
    already = Account.objects.filter(is_managed=True, account_manager__in=managers).count()
    if not already:
        # customers first, then prospects; the same accounts on every fresh database
        candidates = list(
            Account.objects.order_by(
                Case(
                    When(status=Account.Status.CUSTOMER, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "domain",
            ).values_list("pk", flat=True)[: PER_MANAGER * len(managers)]
        )
        for n, manager in enumerate(managers):
            Account.objects.filter(pk__in=candidates[n :: len(managers)]).update(
                is_managed=True, account_manager=manager
            )
    scored = health_recompute()
    if stdout:
        stdout.write(
            f"  key accounts: {Account.objects.filter(is_managed=True).count()} managed, "
            f"{scored} scored"
        )


def register():
    register_demo(DemoSeeder("key accounts", seed, order=80))
