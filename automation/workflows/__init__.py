"""Workflow rules: a trigger, conditions and actions other apps provide; runs and their log."""
