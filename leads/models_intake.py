"""Intake forms, their stored submissions, and CSV import jobs."""

__all__ = []
