"""Scheduled reports: subscriptions to any registered report, sent by email with a CSV."""
