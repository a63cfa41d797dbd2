"""Quotes: a numbered, versioned offer made from a deal, its lines, the company's
settings that go on every PDF, and the admin's terms templates."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

__all__ = ["CompanySettings", "TermsTemplate", "QuoteCounter", "Quote", "QuoteLine"]


class CompanySettings(models.Model):
    """The one row of what every quote says about us (admin settings page)."""

    name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True, help_text="As printed under the name, one line each.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    logo = models.ImageField(upload_to="quotes/logo/", blank=True)
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=PERCENT,
        help_text="Percent added to every new quote's net total.",
    )
    approval_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=PERCENT,
        help_text="A quote discounted by more than this (percent of list) needs the "
        "manager's approval before it is sent.",
    )
    validity_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    default_currency = models.CharField(max_length=3, default="EUR")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "company settings"

    def __str__(self):
        return self.name or "Company settings"


class TermsTemplate(models.Model):
    """Terms and conditions an admin writes once and reps pick on a quote."""

    name = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class QuoteCounter(models.Model):
    """The last quote number given in a year; its row is locked while a number is taken,
    so numbers are sequential without gaps however many reps create quotes at once."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class QuoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A quote is seen by whoever sees its deal (and never once the deal is deleted)."""
        from deals.models import Deal

        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(deal__in=Deal.objects.visible_to(user).values("pk"))

    def with_list_data(self):
        return self.select_related("deal", "deal__account", "deal__owner")


class Quote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    class Approval(models.TextChoices):
        NONE = "", "Not requested"
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField(max_length=20, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    is_latest = models.BooleanField(
        default=True, help_text="False once a newer version replaced this one (read-only)."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    tax_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    valid_until = models.DateField()
    terms_template = models.ForeignKey(
        TermsTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    terms = models.TextField(blank=True)
    cover_letter = models.TextField(blank=True)
    # Totals, written only by services.totals (one place for the arithmetic).
    list_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    discount_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    net_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # Approval of a discount above the admin's threshold.
    approval = models.CharField(max_length=10, choices=Approval.choices, blank=True, default="")
    approval_note = models.TextField(blank=True)
    approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The customer's side, through the public link.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_ip = models.GenericIPAddressField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="unique_quote_version"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(is_latest=True), name="one_latest_quote_version"
            ),
            models.CheckConstraint(
                # rounded: SQLite compares decimals as floats
                condition=Q(total=Round(models.F("net_total") + models.F("tax_amount"), 2)),
                name="quote_total_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.number} v{self.version}"

    def get_absolute_url(self):
        return reverse("automation:quotes:quote_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.is_latest and self.status == self.Status.DRAFT

    @property
    def link_is_open(self):
        return (
            self.is_latest
            and self.status == self.Status.SENT
            and self.valid_until >= timezone.localdate()
        )


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        "deals.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["position", "id"]
