"""API of territory management, by concern: territories and rules, potential and tiers,
call patterns, coverage reports, territory plans."""

from . import coverage, patterns, plans, potential, territories


def register(router):
    for part in (territories, potential, patterns, coverage, plans):
        part.register(router)
