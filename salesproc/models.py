import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from .processes import PROCESS_CHOICES, PROCESS_KEYS, PROCESS_LABELS


class SalesRole(models.Model):
    """A kind of seller, and the sales processes that kind of seller runs."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    processes = models.JSONField(default=list, blank=True)
    is_admin = models.BooleanField(
        default=False, help_text="Members configure the CRM and see every record."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def process_list(self):
        """Processes in the canonical order of PROCESSES.md, unknown keys dropped."""
        return [key for key in PROCESS_KEYS if key in (self.processes or [])]

    def process_labels(self):
        return [PROCESS_LABELS[key] for key in self.process_list()]


class Team(models.Model):
    name = models.CharField(max_length=80, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CrmUserManager(UserManager):
    def get_queryset(self):
        # Role and team are read on every page (navigation, visibility).
        return super().get_queryset().select_related("role", "team")

    _request_base = None

    def for_request(self):
        """The signed-in user with what every page reads (the teams they manage, unread
        notifications) folded into the one query that loads them.

        The annotated queryset is built once per process and cloned per request: building
        its three subqueries cost more than running the query (0.9 of 2.1 ms).
        """
        if self._request_base is None:
            managed = Team.objects.filter(manager=models.OuterRef("pk"))
            unread = Notification.objects.filter(
                recipient=models.OuterRef("pk"), read_at__isnull=True
            )
            self._request_base = self.get_queryset().annotate(
                shell_managed_team_count=models.Subquery(
                    managed.order_by().values("manager").annotate(n=models.Count("id")).values("n")
                ),
                shell_first_managed_team_id=models.Subquery(
                    managed.order_by("id").values("id")[:1]
                ),
                shell_unread_notifications=models.Subquery(
                    unread.order_by().values("recipient").annotate(n=models.Count("id")).values("n")
                ),
            )
        return self._request_base.all()

    def for_request_get(self, **lookup):
        """The one user matching `lookup`, loaded as for_request() loads them, or None."""
        return next(iter(self.for_request().filter(**lookup).order_by()[:1]), None)


class User(AbstractUser):
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.ForeignKey(
        SalesRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    calendar_token = models.CharField(max_length=64, blank=True, default="")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="An IANA time zone (Europe/Berlin); empty: the CRM's (TIME_ZONE).",
    )

    objects = CrmUserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @cached_property
    def is_crm_admin(self):
        return self.is_superuser or bool(self.role_id and self.role.is_admin)

    @cached_property
    def managed_team_ids(self):
        if hasattr(self, "shell_managed_team_count"):  # loaded by for_request()
            count = self.shell_managed_team_count or 0
            if count == 0:
                return []
            if count == 1:
                return [self.shell_first_managed_team_id]
        return list(self.managed_teams.values_list("id", flat=True))

    @cached_property
    def unread_notification_count(self):
        if hasattr(self, "shell_unread_notifications"):  # loaded by for_request()
            return self.shell_unread_notifications or 0
        return self.notifications.filter(read_at__isnull=True).count()

    @property
    def is_manager(self):
        return bool(self.managed_team_ids)

    @cached_property
    def processes(self):
        """The processes this person runs: their role's (admins run all)."""
        if self.is_superuser and not self.role_id:
            return list(PROCESS_KEYS)
        if not self.role_id:
            return []
        return self.role.process_list()

    def runs(self, process):
        return process in self.processes

    @property
    def zone(self):
        """The person's time zone (scheduled report sends run at their local time)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class AmongIds(models.Func):
    """`column IN (the ids a subquery returns)`, written so an index on the column is used
    (visible_to's owners, a deep page's ids: salesproc.paginator).

    On PostgreSQL `column = ANY(ARRAY(subquery))`: the subquery runs once, as an InitPlan,
    and the column is compared with its result like with a list of constants, so the owner
    indexes (and a BitmapOr of two of them) apply. The plain `IN (subquery)` (or an OR over a
    join to the owner's team, what visible_to did before) is a hashed filter over a full
    scan once it is OR-ed with anything. Elsewhere (SQLite) the plain `IN (subquery)`."""

    output_field = models.BooleanField()
    arity = 2

    def _parts(self, compiler):
        column, ids = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        ids_sql, ids_params = compiler.compile(ids)
        return column_sql, ids_sql, (*column_params, *ids_params)

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, ids_sql, params = self._parts(compiler)
        return f"{column_sql} IN {ids_sql}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        column_sql, ids_sql, params = self._parts(compiler)
        return f"{column_sql} = ANY(ARRAY{ids_sql})", params


def visible_people_subquery(user):
    """A subquery of the ids of the people a manager sees: their teams' members and
    themselves (no extra round trip: it runs inside the list's own query)."""
    return models.Subquery(
        User.objects.filter(Q(team_id__in=user.managed_team_ids) | Q(pk=user.pk))
        .order_by()
        .values("id")
    )


def owned_by_visible(owner_field, user):
    """The condition `owner_field` is among the people `user` may see (a non-admin)."""
    if not user.managed_team_ids:
        return Q(**{f"{owner_field}_id": user.pk})
    return Q(AmongIds(models.F(f"{owner_field}_id"), visible_people_subquery(user)))


class OwnedQuerySet(models.QuerySet):
    """Who sees what: a rep their own, a manager their team's, an admin everything."""

    owner_field = "owner"

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_crm_admin:
            return self
        return self.filter(owned_by_visible(self.owner_field, user))


def visible_owner_ids(user):
    """The users whose records this user may see (None means everyone)."""
    if user.is_crm_admin:
        return None
    ids = {user.pk}
    if user.managed_team_ids:
        ids |= set(
            User.objects.filter(team_id__in=user.managed_team_ids).values_list("id", flat=True)
        )
    return ids


def users_visible_to(user):
    qs = User.objects.filter(is_active=True).select_related("team", "role")
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_crm_admin:
        return qs
    if user.managed_team_ids:
        return qs.filter(Q(team_id__in=user.managed_team_ids) | Q(pk=user.pk))
    return qs.filter(pk=user.pk)


VIA_CHOICES = [
    ("web", "web"),
    ("api", "API"),
    ("import", "import"),
    ("intake", "intake"),
    ("system", "system"),
]


class Event(models.Model):
    """Something that happened to a record: its timeline, the audit trail and the outbox."""

    # indexed with object_id (Meta), which serves a lookup by content type alone too
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    name = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(
        max_length=16,
        choices=VIA_CHOICES,
        default="system",
        help_text="How the actor acted: in the web pages, with an API token, by an import...",
    )
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    chain_depth = models.PositiveSmallIntegerField(
        default=0, help_text="How many workflow rule runs led to it (0: a person or a job)."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="Every subscriber has had it (or was given up on)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # By name, without the `_like` index db_index would add: no query matches a
            # name by prefix, and every event (100,000 in an import) would write both.
            models.Index(fields=["name"], name="salesproc_event_name_27596c68"),
            models.Index(
                fields=["created_at"],
                name="event_pending_idx",
                condition=Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.name} #{self.object_id}"


class EventReference(models.Model):
    """Another record an event belongs to the timeline of (a call's contact, deal...)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="references")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "content_type", "object_id"], name="unique_event_reference"
            )
        ]


class EventDelivery(models.Model):
    """One subscriber's handling of one event: claimed, retried, delivered or given up.

    The unique row is the claim: a dispatcher creates it (ON CONFLICT DO NOTHING) and
    takes it with a conditional UPDATE, so each subscriber handles each event once even
    when the event is dispatched twice or concurrently. `attempts` is the fencing token:
    an outcome is recorded only by the dispatcher whose claim is still current.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="unique_event_delivery")
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="delivery_open_idx",
                condition=Q(status__in=["pending", "running"]),
            )
        ]

    def __str__(self):
        return f"{self.subscriber} on event {self.event_id}: {self.status}"


class Notification(models.Model):
    """An in-app message for one person (a review is waiting, a deal has stalled...)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(
        max_length=120, blank=True, help_text="Idempotency key: one notification per key."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email copy was handed to the mail server."
    )
    kind = models.CharField(max_length=30, default="other", blank=True)
    channel = models.CharField(
        max_length=10, default="in_app", help_text="in_app, email or digest, as chosen at send."
    )
    digested_at = models.DateTimeField(
        null=True, blank=True, help_text="When it went out in the recipient's daily digest."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="unique_notification_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest_idx",
                condition=Q(channel="digest", digested_at__isnull=True),
            )
        ]

    def __str__(self):
        return self.text


__all__ = [
    "PROCESS_CHOICES",
    "Event",
    "EventDelivery",
    "EventReference",
    "DefaultView",
    "DigestSend",
    "LoginFailure",
    "Note",
    "Notification",
    "NotificationPreference",
    "OwnedQuerySet",
    "RecordHandover",
    "SalesRole",
    "SavedView",
    "Task",
    "Team",
    "User",
]


class LoginFailure(models.Model):
    """One failed log-in (or one password-reset request): what lockouts count.

    Rows live in the database, so a lockout holds with the cache down and across web
    processes; an admin unlock deletes them.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "Failed log-in"
        PASSWORD_RESET = "password_reset", "Password reset request"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LOGIN)
    username = models.CharField(max_length=254, blank=True, db_index=True)
    address = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username or '-'} from {self.address or '-'}"


class RecordHandover(models.Model):
    """Handing one person's open records to another (a team change, someone leaving),
    run as a job; the page shows its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_given"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_received"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # {kind key: records moved}
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.from_user} → {self.to_user} ({self.get_status_display()})"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}


# Idempotency keys of API POSTs live in their own package (salesproc.idempotency).
from .bulk_actions.models import BulkJob, BulkJobRow  # noqa: E402, F401  (bulk actions' job)
from .idempotency.models import IdempotencyKey  # noqa: E402, F401

# The generic features' models live in their packages; imported here so Django sees them.
from .notes.models import Note  # noqa: E402
from .notifications.models import DigestSend, NotificationPreference  # noqa: E402
from .saved_views.models import DefaultView, SavedView  # noqa: E402
from .search.models import SearchWord  # noqa: E402, F401
from .todo.models import Task  # noqa: E402
