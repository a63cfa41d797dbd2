from django.conf import settings
from django.db import models
from django.utils import timezone


class Note(models.Model):
    """A note on one record (record_type, record_id of a registered RecordType).

    Who sees it is who sees its record; `body_html` is the Markdown rendered and
    sanitised once, when the note is written.
    """

    record_type = models.CharField(max_length=30)
    record_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="notes"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True)
    pinned = models.BooleanField(default=False)
    mentions = models.JSONField(
        default=dict, blank=True, help_text='{"notified": [usernames], "not_notified": [...]}'
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["record_type", "record_id", "-pinned", "-created_at"],
                name="note_record_idx",
            ),
        ]

    def __str__(self):
        return self.body[:60]
