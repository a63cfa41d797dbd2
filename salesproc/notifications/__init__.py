"""Notifications people steer: per kind, in-app, email or a daily digest."""
