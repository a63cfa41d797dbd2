from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

__all__ = ["EmailTemplate"]


class EmailTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared templates are everyone's; a personal one is its owner's alone."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(shared=True) | Q(owner=user))


class EmailTemplate(models.Model):
    class Category(models.TextChoices):
        FOLLOW_UP = "follow_up", "Follow-up"
        MEETING = "meeting", "Meeting request"
        PROPOSAL = "proposal", "Proposal"
        HANDOFF = "handoff", "Account handoff"
        NUDGE = "nudge", "Nudge"
        PROSPECTING = "prospecting", "Prospecting"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    shared = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="email_templates",
        help_text="Who created it; a personal template is theirs alone.",
    )
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmailTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name", "id"]
        indexes = [models.Index(fields=["shared", "owner"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("automation:emails:template_edit", args=[self.pk])
