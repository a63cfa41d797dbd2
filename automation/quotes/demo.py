"""Demo quotes: placeholder until the seeder is written."""

from salesproc.registry import DemoSeeder, register_demo


def seed_quotes(*, stdout=None):
    return


def register():
    register_demo(DemoSeeder("automation.quotes", seed_quotes, order=80))
