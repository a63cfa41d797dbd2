"""The header's "+": a dialog that creates a record from any page (see views.py)."""
