"""Saved views of a list: its filters, sort and columns under a name, as tabs."""
