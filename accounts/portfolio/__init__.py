"""Managed (key) accounts: marking them, their account manager, My accounts and the
manager's portfolio."""
