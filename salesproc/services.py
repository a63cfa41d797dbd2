from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .events import record_event
from .models import Notification, SalesRole, Team, User
from .processes import PROCESS_KEYS


def _clean_processes(processes):
    unknown = [p for p in processes if p not in PROCESS_KEYS]
    if unknown:
        raise ValidationError({"processes": f"Unknown process: {', '.join(map(str, unknown))}."})
    return [key for key in PROCESS_KEYS if key in processes]


@transaction.atomic
def role_create(*, actor: User, name: str, processes: list[str], is_admin: bool = False):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A role needs a name."})
    if SalesRole.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A role called “{name}” already exists."})
    slug = slugify(name) or "role"
    base, n = slug, 2
    while SalesRole.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    role = SalesRole.objects.create(
        name=name, slug=slug, processes=_clean_processes(processes), is_admin=is_admin
    )
    record_event(subject=role, name="role.created", actor=actor, summary=f"Role {name} created")
    return role


@transaction.atomic
def role_update(*, actor: User, role: SalesRole, name: str, processes: list[str]):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A role needs a name."})
    if SalesRole.objects.filter(name__iexact=name).exclude(pk=role.pk).exists():
        raise ValidationError({"name": f"A role called “{name}” already exists."})
    before = {"name": role.name, "processes": role.process_list()}
    role.name = name
    role.processes = _clean_processes(processes)
    role.save(update_fields=["name", "processes"])
    after = {"name": role.name, "processes": role.process_list()}
    if before != after:
        record_event(
            subject=role,
            name="role.updated",
            actor=actor,
            summary=f"Role {role.name} updated",
            data={"before": before, "after": after},
        )
    return role


@transaction.atomic
def team_create(*, actor: User, name: str, manager: User | None = None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A team called “{name}” already exists."})
    team = Team.objects.create(name=name, manager=manager)
    record_event(subject=team, name="team.created", actor=actor, summary=f"Team {name} created")
    return team


@transaction.atomic
def user_assign(*, actor: User, user: User, team: Team | None, role: SalesRole | None):
    changes = {}
    if user.team_id != (team.pk if team else None):
        changes["team"] = [str(user.team) if user.team else None, str(team) if team else None]
        user.team = team
    if user.role_id != (role.pk if role else None):
        changes["role"] = [str(user.role) if user.role else None, str(role) if role else None]
        user.role = role
    if changes:
        user.save(update_fields=["team", "role"])
        record_event(
            subject=user,
            name="user.assigned",
            actor=actor,
            summary="Team or role changed",
            data=changes,
        )
    return user


def notify(*, recipient: User, text: str, url: str = "", key: str = "", email: bool = False):
    """In-app notification (and optional email). With a key it happens at most once."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, text=text[:300], url=url, key=key
            )
    except IntegrityError:
        return None
    if email and recipient.email:
        from django.conf import settings

        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        transaction.on_commit(
            lambda: send_mail(
                subject=f"[salesproc] {text[:80]}",
                message=f"{text}\n\n{link}\n",
                from_email=None,
                recipient_list=[recipient.email],
                fail_silently=True,
            )
        )
    return notification


def notifications_mark_read(*, user: User, ids=None):
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def display_value(value):
    """A value as an event's data can hold it (JSON): ids and names, not objects."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def apply_changes(instance, fields, data):
    """Set `fields` (None: every key of data) on instance from data.

    Returns {field: [before, after]} for the fields whose value changed, ready for an
    event's data; fields missing from data are left alone.
    """
    changes = {}
    for field in fields if fields is not None else list(data):
        if field not in data:
            continue
        try:
            before = getattr(instance, field)
        except ObjectDoesNotExist:  # a new record's unset foreign key
            before = None
        after = data[field]
        if before != after:
            changes[field] = [display_value(before), display_value(after)]
            setattr(instance, field, after)
    return changes


def check_owner(*, actor, owner, records="records"):
    """Who may own what: a rep gives records to themselves, a manager to their team, an
    admin to anyone. A missing actor is the system (intake, imports) and may assign."""
    if owner is None:
        raise ValidationError({"owner": "Choose an owner."})
    if actor is None or actor.is_crm_admin or owner.pk == actor.pk:
        return
    if owner.team_id and owner.team_id in actor.managed_team_ids:
        return
    raise ValidationError({"owner": f"You can only give {records} to yourself or your team."})


@transaction.atomic
def lockout_clear(*, actor: User, username: str = "", address: str = ""):
    """An admin unlocks a username or an address: its failures are forgotten."""
    from . import lockout
    from .models import LoginFailure

    username = lockout.normalise(username)
    address = (address or "").strip()[:64]
    if not username and not address:
        raise ValidationError({"username": "Give a username or an address to unlock."})
    rows = LoginFailure.objects.none()
    if username:
        rows = rows | LoginFailure.objects.filter(username=username)
    if address:
        rows = rows | LoginFailure.objects.filter(address=address)
    cleared, _ = LoginFailure.objects.filter(pk__in=rows.values("pk")).delete()
    subject = User.objects.filter(username__iexact=username).first() if username else None
    record_event(
        subject=subject or actor,
        name="login.unlocked",
        actor=actor,
        summary=f"Unlocked {username or address}",
        data={"username": username, "address": address},
    )
    return cleared
