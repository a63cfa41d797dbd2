import logging

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .events import record_event
from .models import Notification, SalesRole, Team, User
from .processes import PROCESS_KEYS

log = logging.getLogger(__name__)


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


KEEP_RECORDS, REASSIGN_RECORDS = "keep", "reassign"


def _handover_choice(*, user: User, records: str | None, reassign_to: User | None, doing: str):
    """Who takes user's open records: None (they keep them) or a person. When user has
    open records, the caller must have asked: keep them, or reassign to someone."""
    from .handover import open_record_counts

    counts = [c for c in open_record_counts(user) if c["count"]]
    if not counts:
        return None
    if records not in (KEEP_RECORDS, REASSIGN_RECORDS):
        listed = ", ".join(f"{c['count']} {c['label']}" for c in counts)
        raise ValidationError(
            {
                "records": f"{user.display_name} has open records ({listed}). Before {doing}, "
                f"choose: keep them with {user.display_name}, or reassign them to someone."
            }
        )
    if records == KEEP_RECORDS:
        return None
    if reassign_to is None:
        raise ValidationError({"reassign_to": "Choose who takes the open records."})
    if reassign_to.pk == user.pk or not reassign_to.is_active:
        raise ValidationError({"reassign_to": "Choose another active person."})
    return reassign_to


@transaction.atomic
def user_assign(
    *,
    actor: User,
    user: User,
    team: Team | None,
    role: SalesRole | None,
    records: str | None = None,
    reassign_to: User | None = None,
):
    """Change a person's team and role. A team change moves their records' visibility to
    the new team, so when they own open records the caller says what happens to them:
    they keep them (the records follow them) or someone else takes them (a job)."""
    from .handover import handover_start

    changes = {}
    taker = None
    if user.team_id != (team.pk if team else None):
        taker = _handover_choice(
            user=user, records=records, reassign_to=reassign_to, doing="changing their team"
        )
        changes["team"] = [str(user.team) if user.team else None, str(team) if team else None]
        user.team = team
    if user.role_id != (role.pk if role else None):
        changes["role"] = [str(user.role) if user.role else None, str(role) if role else None]
        user.role = role
    if changes:
        user.save(update_fields=["team", "role"])
        if taker is not None:
            changes["records_to"] = taker.display_name
        record_event(
            subject=user,
            name="user.assigned",
            actor=actor,
            summary="Team or role changed",
            data=changes,
        )
    if taker is not None:
        handover_start(actor=actor, from_user=user, to_user=taker, reason="team change")
    return user


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    role: SalesRole | None = None,
):
    from django.contrib.auth.password_validation import validate_password

    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "A person needs a username."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username “{username}” is taken."})
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already has this email address."})
    user = User(
        username=username,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        email=email,
        team=team,
        role=role,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    record_event(
        subject=user,
        name="user.created",
        actor=actor,
        summary=f"{user.display_name} added",
        data={"team": str(team) if team else None, "role": str(role) if role else None},
    )
    return user


@transaction.atomic
def user_deactivate(
    *, actor: User, user: User, records: str | None = None, reassign_to: User | None = None
):
    """Someone leaves: they can no longer log in (sessions and API tokens stop working),
    their history stays where it is, readable, under their name; open records stay with
    them or go to someone else."""
    from .handover import handover_start

    if user.pk == actor.pk:
        raise ValidationError({"records": "You can't deactivate yourself."})
    if not user.is_active:
        raise ValidationError({"records": f"{user.display_name} is already deactivated."})
    taker = _handover_choice(
        user=user, records=records, reassign_to=reassign_to, doing="deactivating them"
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_event(
        subject=user,
        name="user.deactivated",
        actor=actor,
        summary=f"{user.display_name} deactivated",
        data={"records_to": taker.display_name if taker else None},
    )
    if taker is not None:
        handover_start(actor=actor, from_user=user, to_user=taker, reason="deactivation")
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User):
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event(
        subject=user, name="user.reactivated", actor=actor, summary=f"{user.display_name} back"
    )
    return user


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, manager: User | None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": f"A team called “{name}” already exists."})
    if manager is not None and not manager.is_active:
        raise ValidationError({"manager": f"{manager.display_name} is deactivated."})
    changes = {}
    if team.name != name:
        changes["name"] = [team.name, name]
        team.name = name
    if team.manager_id != (manager.pk if manager else None):
        changes["manager"] = [
            team.manager.display_name if team.manager else None,
            manager.display_name if manager else None,
        ]
        team.manager = manager
    if changes:
        team.save(update_fields=["name", "manager"])
        record_event(
            subject=team,
            name="team.updated",
            actor=actor,
            summary=f"Team {team.name} updated",
            data=changes,
        )
    return team


def notify(
    *,
    recipient: User,
    text: str,
    url: str = "",
    key: str = "",
    email: bool = False,
    kind: str = "other",
):
    """In-app notification (and an email now or in the daily digest). With a key it
    happens at most once.

    kind (salesproc.notifications.kinds) picks the recipient's preference for this kind
    of news: in-app only, email, or the daily digest; without one, `email` says whether
    the sender thinks it worth an email.
    The email is sent by a Celery task once the caller's transaction commits, never in the
    web request; with the broker down it is logged and not sent (the in-app one stays).
    """
    from .notifications.services import channel_for

    channel = channel_for(recipient=recipient, kind=kind, email=email)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, text=text[:300], url=url, key=key, kind=kind, channel=channel
            )
    except IntegrityError:
        return None
    if channel == "email" and recipient.email:
        transaction.on_commit(lambda: _enqueue_email(notification.pk))
    return notification


def _enqueue_email(notification_id):
    from .tasks import send_notification_email_task  # a service enqueues its task lazily

    try:
        send_notification_email_task.delay(notification_id)
    except Exception:
        log.warning("could not send the email of notification %s", notification_id, exc_info=True)


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


def user_set_time_zone(*, actor: User, time_zone: str) -> User:
    """A person's own time zone (an IANA name; empty: the CRM's), for scheduled sends."""
    import zoneinfo

    time_zone = (time_zone or "").strip()
    if time_zone and time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"Unknown time zone “{time_zone[:64]}”."})
    with transaction.atomic():
        actor.time_zone = time_zone
        actor.save(update_fields=["time_zone"])
    return actor
