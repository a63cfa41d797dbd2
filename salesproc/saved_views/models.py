from django.conf import settings
from django.db import models
from django.utils import timezone


class SavedView(models.Model):
    """Filters, sort and columns of one list under a name; shared with a team when
    `team` is set (a manager shares with the team they manage)."""

    list_key = models.CharField(max_length=30)  # "leads", "deals"... (saved_views.lists)
    name = models.CharField(max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        "salesproc.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)  # {"status": ["open"], "sort": ["-score"]}
    columns = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["list_key", "name", "id"]
        indexes = [models.Index(fields=["list_key", "owner"], name="saved_view_owner_idx")]

    def __str__(self):
        return self.name

    @property
    def is_shared(self):
        return self.team_id is not None


class DefaultView(models.Model):
    """The view a list opens with for one person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="default_views"
    )
    list_key = models.CharField(max_length=30)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="unique_default_view")
        ]
