"""Kept for migration 0001, which names these callables by this path.

The intake and import models live in leads/intake/models.py.
"""

from .intake.models import import_upload_path, new_intake_key

__all__ = ["import_upload_path", "new_intake_key"]
