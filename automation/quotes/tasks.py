"""Quote tasks, thin: fetch by id, call the service."""

from celery import shared_task


@shared_task(
    bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=6
)
def send_quote_email_task(self, quote_id, actor_id=None, message=""):
    """Email a sent quote with its PDF, once (a repeat finds it claimed and sends nothing)."""
    from .services import email_quote

    return email_quote(quote_id=quote_id, actor_id=actor_id, message=message)


@shared_task
def expire_quotes_task():
    """Daily (beat): sent quotes past their validity date become expired."""
    from .services import quotes_expire_due

    return quotes_expire_due()
