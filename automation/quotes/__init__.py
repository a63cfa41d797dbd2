"""Quotes and proposals: numbered, versioned, PDF, the customer's public link, approvals."""
