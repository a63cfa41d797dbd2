"""What the call pages share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied


def show_errors(request, exc):
    """A refused step on a page without a form: say why, as a message."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "You cannot do that.")
        return
    for text in exc.messages:
        messages.error(request, text)
