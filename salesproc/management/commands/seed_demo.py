from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from salesproc.demo import DEMO_PASSWORD, DEMO_USERS, seed_people
from salesproc.registry import registry


class Command(BaseCommand):
    help = "Create the demo sales org and its records. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (not for production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates users with the password 'demo'; it refuses to run with "
                "DEBUG off. Pass --force if this really is a demo installation."
            )
        self.stdout.write("Seeding the demo org…")
        seed_people(stdout=self.stdout)
        for seeder in sorted(registry.demo_seeders, key=lambda s: (s.order, s.name)):
            seeder.run(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with any of:"))
        for username, first, last, role, team, _ in DEMO_USERS:
            self.stdout.write(
                f"  {username:<10} / {DEMO_PASSWORD}   {first} {last}, {role}"
                + (f", team {team}" if team else "")
            )
