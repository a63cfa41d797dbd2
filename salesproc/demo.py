"""The demo sales org: idempotent, password 'demo' for everyone."""

from django.db import transaction

from .models import SalesRole, Team, User
from .processes import DEFAULT_ROLES

DEMO_PASSWORD = "demo"

# username, first, last, role slug, team name, manages team
DEMO_USERS = [
    ("admin", "Ada", "Admin", "admin", None, None),
    ("manager1", "Maria", "Lopez", "sales-manager", "North", "North"),
    ("rep1", "Ravi", "Patel", "inside-rep", "North", None),
    ("rep2", "Rosa", "Jensen", "field-rep", "North", None),
    ("manager2", "Marcus", "Green", "sales-manager", "Key Accounts", "Key Accounts"),
    ("rep3", "Rachel", "Kim", "key-account-manager", "Key Accounts", None),
    ("rep4", "Robert", "Okafor", "account-manager", "Key Accounts", None),
]


def ensure_default_roles():
    roles = {}
    for slug, name, processes, is_admin in DEFAULT_ROLES:
        role, _ = SalesRole.objects.get_or_create(
            slug=slug, defaults={"name": name, "processes": processes, "is_admin": is_admin}
        )
        roles[slug] = role
    return roles


@transaction.atomic
def seed_people(*, stdout=None):
    roles = ensure_default_roles()
    teams = {}
    for name in ("North", "Key Accounts"):
        teams[name], _ = Team.objects.get_or_create(name=name)
    users = {}
    for username, first, last, role_slug, team_name, manages in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@demo.salesproc.test"
        user.role = roles[role_slug]
        user.team = teams[team_name] if team_name else None
        user.is_staff = user.is_superuser = username == "admin"
        user.save()
        users[username] = user
        if manages:
            team = teams[manages]
            if team.manager_id != user.pk:
                team.manager = user
                team.save(update_fields=["manager"])
    if stdout:
        stdout.write(f"  people: {len(users)} users in {len(teams)} teams")
    return users
