from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from salesproc.models import OwnedQuerySet, owned_by_visible
from salesproc.softdelete import SoftDeleteModel, SoftDeleteQuerySet, alive_manager, all_manager


def normalise_domain(value):
    """'https://www.Example.com/about' -> 'example.com'."""
    value = (value or "").strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    value = value.split("/")[0].split("?")[0].split(":")[0]
    if value.startswith("www."):
        value = value[4:]
    return value


class AccountQuerySet(SoftDeleteQuerySet, OwnedQuerySet):
    def visible_to(self, user):
        """As for every owned record, and also the accounts `user` manages (or a team they
        manage manages): an account manager works the account whoever owns it."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        return self.filter(
            owned_by_visible("owner", user) | owned_by_visible("account_manager", user)
        )

    def with_list_data(self):
        """The list's columns. The contact count is a correlated subquery, so it is
        counted for the rows of the page only (an aggregate over a join to contacts made
        PostgreSQL count the contacts of every visible account before taking 25)."""
        live_contacts = (
            Contact.objects.filter(account=OuterRef("pk"), deleted_at__isnull=True)
            .order_by()
            .values("account")
            .annotate(n=Count("id"))
            .values("n")
        )
        return self.select_related("owner", "account_manager").annotate(
            contact_count=Coalesce(Subquery(live_contacts, output_field=IntegerField()), 0)
        )


class Account(SoftDeleteModel):
    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        CUSTOMER = "customer", "Customer"
        FORMER = "former", "Former customer"

    name = models.CharField(max_length=200)
    website = models.URLField(max_length=300, blank=True)
    domain = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    country = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROSPECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_accounts"
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_accounts",
    )
    is_managed = models.BooleanField(
        "managed (key account)",
        default=False,
        db_index=True,
        help_text="A key account: it has an account manager, a plan and a health score.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = alive_manager(AccountQuerySet)
    all_objects = all_manager(AccountQuerySet)

    class Meta:
        ordering = ["name", "id"]
        # Plain b-tree indexes (db_index on a text column adds a second, `_like`, one that
        # no query here uses); the list's ordering, alone (an admin, a manager) and after
        # the owner (a rep), for the live rows the lists read.
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(
                fields=["name", "id"],
                name="account_alive_name_idx",
                condition=models.Q(deleted_at__isnull=True),
                include=["owner", "account_manager"],  # a manager's filter, read in the index
            ),
            models.Index(fields=["domain"], name="account_domain_idx"),
            models.Index(fields=["industry"], name="account_industry_idx"),
            models.Index(fields=["country"], name="account_country_idx"),
            models.Index(fields=["status"], name="account_status_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def address_line(self):
        """ "Munich 80331, Bavaria, Germany"; parts left empty are left out, commas too."""
        place = " ".join(part for part in (self.city, self.postcode) if part)
        return ", ".join(part for part in (place, self.region, self.country) if part)

    @property
    def position_label(self):
        """The map position in degrees and compass points: "51.51° N, 0.13° W"."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = float(self.latitude), float(self.longitude)
        return f"{abs(lat):.2f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.2f}° {'E' if lon >= 0 else 'W'}"

    def get_absolute_url(self):
        return reverse("accounts:account_detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": "Latitude must be between -90 and 90."})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": "Longitude must be between -180 and 180."})


class ContactQuerySet(SoftDeleteQuerySet, OwnedQuerySet):
    def with_list_data(self):
        return self.select_related("owner", "account")


class Contact(SoftDeleteModel):
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_decision_maker = models.BooleanField("decision maker", default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_contacts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = alive_manager(ContactQuerySet)
    all_objects = all_manager(ContactQuerySet)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(
                fields=["owner", "last_name", "first_name", "id"],
                name="contact_owner_name_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="contact_alive_name_idx",
                condition=models.Q(deleted_at__isnull=True),
                include=["owner"],
            ),
            models.Index(fields=["email"], name="contact_email_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("accounts:contact_detail", args=[self.pk])


# Sub-packages' models, so the app's migrations see them.
from .handoffs.models import Handoff, HandoffComment  # noqa: E402, F401
from .health.models import AccountHealth, HealthSettings, HealthSnapshot  # noqa: E402, F401
from .plans.models import (  # noqa: E402, F401
    AccountAction,
    AccountNeed,
    AccountPlan,
    AccountPlanVersion,
    AccountRisk,
    PlanPrompt,
    PlanSettings,
)
