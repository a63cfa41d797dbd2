"""Signed webhooks: subscriptions, deliveries from the events outbox, retries."""
