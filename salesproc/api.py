from django.contrib.auth import authenticate
from django.utils.functional import lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import lockout, services
from . import recycle_bin as bin_services
from .api_support import IsCrmAdminOrReadOnly
from .client import client_address
from .models import RecordHandover, SalesRole, Team, User
from .pagination import PageNumberPagination
from .processes import PROCESS_KEYS, PROCESS_LABELS
from .throttling import FailOpenThrottleMixin


class RoleSerializer(serializers.ModelSerializer):
    processes = serializers.ListField(
        child=serializers.ChoiceField(choices=PROCESS_KEYS), allow_empty=True
    )

    class Meta:
        model = SalesRole
        fields = ["id", "name", "slug", "processes", "is_admin"]
        read_only_fields = ["slug", "is_admin"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "manager"]


class TeamWriteSerializer(serializers.ModelSerializer):
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Team
        fields = ["id", "name", "manager"]
        extra_kwargs = {"name": {"validators": []}}  # the service says when a name is taken


class UserSerializer(serializers.ModelSerializer):
    team = TeamSerializer(read_only=True)
    role = RoleSerializer(read_only=True)
    processes = serializers.SerializerMethodField()
    is_admin = serializers.BooleanField(source="is_crm_admin", read_only=True)
    is_manager = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "team",
            "role",
            "processes",
            "is_admin",
            "is_manager",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    def get_processes(self, user) -> list[dict]:
        return [{"key": key, "label": PROCESS_LABELS[key]} for key in user.processes]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class LoginThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """A burst limit per client address, read through the trusted proxies only; the
    lockout (salesproc.lockout) is what stops guessing over time."""

    rate = "20/min"

    def get_ident(self, request):
        return client_address(request)


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        429: inline_serializer("LockedOut", {"detail": serializers.CharField()}),
    },
    auth=[],
    summary="Get an API token",
    description=(
        "Exchange a username and password for the caller's API token (the same token on "
        "every call until it is revoked). Send it as `Authorization: Token <key>`. **400** "
        "when the username or password is wrong; **429** with `Retry-After` while the "
        "username or address is locked out after repeated failures."
    ),
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([LoginThrottle])
def obtain_token(request):
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    lock = lockout.lock_for(
        username=serializer.validated_data["username"], address=client_address(request)
    )
    if lock is not None:
        return Response(
            {"detail": lockout.lock_message(lock)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(lock.seconds)},
        )
    user = authenticate(
        request,
        username=serializer.validated_data["username"],
        password=serializer.validated_data["password"],
    )
    if user is None or not user.is_active:
        return Response(
            {"non_field_errors": ["Unable to log in with the username and password given."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    token, _ = Token.objects.get_or_create(user=user)
    return Response({"token": token.key})


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )
    role = serializers.PrimaryKeyRelatedField(
        queryset=SalesRole.objects.all(), allow_null=True, required=False
    )


class HandoverChoiceSerializer(serializers.Serializer):
    records = serializers.ChoiceField(
        choices=[services.KEEP_RECORDS, services.REASSIGN_RECORDS],
        required=False,
        allow_null=True,
        help_text="Asked when the person owns open records: keep them, or reassign them.",
    )
    reassign_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )


class UserAssignSerializer(HandoverChoiceSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), allow_null=True)
    role = serializers.PrimaryKeyRelatedField(queryset=SalesRole.objects.all(), allow_null=True)


class HandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordHandover
        fields = [
            "id",
            "from_user",
            "to_user",
            "reason",
            "status",
            "total",
            "done",
            "counts",
            "error",
            "created_at",
            "finished_at",
        ]


class UserChangeResponseSerializer(UserSerializer):
    handover = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "handover"]

    def get_handover(self, user) -> HandoverSerializer(allow_null=True):
        handover = self.context.get("handover")
        return HandoverSerializer(handover).data if handover is not None else None


class UserViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People. Everyone reads those they may see; admins add, reassign, deactivate and
    reactivate (a team change or a deactivation asks what happens to open records)."""

    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated, IsCrmAdminOrReadOnly]
    queryset = User.objects.none()  # for the schema; get_queryset decides
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name"]

    def get_queryset(self):
        from .models import users_visible_to

        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        admin = getattr(self.request.user, "is_crm_admin", False)
        if self.action in {"reactivate", "retrieve", "list"} and admin:
            return User.objects.all().order_by("username")  # deactivated people too
        return users_visible_to(self.request.user).order_by("username")

    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def me(self, request):
        return Response(self.get_serializer(request.user).data)

    def _changed(self, user, *, since_id):
        user.refresh_from_db()
        handover = RecordHandover.objects.filter(from_user=user, pk__gt=since_id or 0).first()
        return Response(
            UserChangeResponseSerializer(
                user, context={"handover": handover, "request": self.request}
            ).data
        )

    def _last_handover_id(self, user):
        last = RecordHandover.objects.filter(from_user=user).values_list("pk", flat=True).first()
        return last or 0

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserAssignSerializer, responses={200: UserChangeResponseSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        user = self.get_object()
        serializer = UserAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        since = self._last_handover_id(user)
        services.user_assign(actor=request.user, user=user, **serializer.validated_data)
        return self._changed(user, since_id=since)

    @extend_schema(request=HandoverChoiceSerializer, responses={200: UserChangeResponseSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        user = self.get_object()
        serializer = HandoverChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        since = self._last_handover_id(user)
        services.user_deactivate(actor=request.user, user=user, **serializer.validated_data)
        return self._changed(user, since_id=since)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        user = self.get_object()
        services.user_reactivate(actor=request.user, user=user)
        user.refresh_from_db()
        return Response(self.get_serializer(user).data)


class TeamViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Teams and their managers. Everyone reads; admins add, rename, change managers."""

    permission_classes = [IsAuthenticated, IsCrmAdminOrReadOnly]
    queryset = Team.objects.select_related("manager").order_by("name")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    pagination_class = None

    def get_serializer_class(self):
        return TeamWriteSerializer

    def perform_create(self, serializer):
        serializer.instance = services.team_create(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            manager=serializer.validated_data.get("manager"),
        )

    def perform_update(self, serializer):
        team = serializer.instance
        serializer.instance = services.team_update(
            actor=self.request.user,
            team=team,
            name=serializer.validated_data.get("name", team.name),
            manager=serializer.validated_data.get("manager", team.manager),
        )


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    """Handovers of open records (after a team change or deactivation): their progress."""

    serializer_class = HandoverSerializer
    queryset = RecordHandover.objects.none()  # for the schema; get_queryset decides

    def get_queryset(self):
        if not getattr(self.request.user, "is_crm_admin", False):
            return RecordHandover.objects.none()
        return RecordHandover.objects.order_by("-created_at", "-id")


class RoleViewSet(viewsets.ModelViewSet):
    """Sales roles and the processes each runs. Everyone reads; admins write."""

    serializer_class = RoleSerializer
    permission_classes = [IsAuthenticated, IsCrmAdminOrReadOnly]
    queryset = SalesRole.objects.order_by("name")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = services.role_create(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            processes=serializer.validated_data.get("processes", []),
        )

    def perform_update(self, serializer):
        role = serializer.instance
        serializer.instance = services.role_update(
            actor=self.request.user,
            role=role,
            name=serializer.validated_data.get("name", role.name),
            processes=serializer.validated_data.get("processes", role.process_list()),
        )


class RecycleBinEntrySerializer(serializers.Serializer):
    type = serializers.CharField(help_text="deal, lead, call, account or contact")
    id = serializers.IntegerField()
    name = serializers.CharField()
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.IntegerField(
        source="deleted_by.pk", allow_null=True, default=None, help_text="The user's id."
    )
    purge_on = serializers.DateTimeField(help_text="When it is deleted for good.")


class RestoreRequestSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()


class RestoredRecordSerializer(RestoreRequestSerializer):
    name = serializers.CharField()


class RecycleBinList(generics.ListAPIView):
    """What the caller may restore: their own deleted records (a manager: their team's; an
    admin: everyone's), most recently deleted first."""

    serializer_class = RecycleBinEntrySerializer
    pagination_class = PageNumberPagination
    filter_backends = []

    def get_queryset(self):
        return bin_services.bin_entries(user=self.request.user)


recycle_bin_list = RecycleBinList.as_view()


@extend_schema(request=RestoreRequestSerializer, responses={200: RestoredRecordSerializer})
@api_view(["POST"])
def recycle_bin_restore(request):
    """Bring a record back from the bin with everything it had. 404 for a record the
    caller may not restore (or that is not in the bin)."""
    serializer = RestoreRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    obj = bin_services.recycle_bin_restore(actor=request.user, **serializer.validated_data)
    return Response({"type": serializer.validated_data["type"], "id": obj.pk, "name": str(obj)})


def register(router):
    router.register("users", UserViewSet, basename="user")
    router.register("roles", RoleViewSet, basename="role")
    router.register("teams", TeamViewSet, basename="team")
    router.register("handovers", HandoverViewSet, basename="handover")
    from .bulk_actions.api import BulkActionViewSet

    router.register("bulk-actions", BulkActionViewSet, basename="bulk-action")


class EventTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    record = serializers.CharField(help_text="The record type of its subject, if it is one.")
    example = serializers.DictField(help_text="An example of the event's data.")


class IsCrmAdmin(IsAuthenticated):
    message = "Only an admin reads the event catalogue."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_crm_admin


def _catalogue_description():
    """The API docs' list of events, read from the registry when the schema is built."""
    import json

    from .registry import event_types

    lines = [
        "Every event salesproc records, registered by the app that records it: the "
        "names a workflow rule's trigger (or a webhook's event patterns) match. Admins only.",
        "",
        "| Event | Record | What happened | Example data |",
        "|---|---|---|---|",
    ]
    for item in event_types():
        example = json.dumps(item.example, sort_keys=True).replace("|", "\\|")
        lines.append(f"| `{item.name}` | {item.record or '–'} | {item.description} | `{example}` |")
    return "\n".join(lines)


@extend_schema(
    responses={200: EventTypeSerializer(many=True)},
    description=lazy(_catalogue_description, str)(),
    summary="The event catalogue",
)
@api_view(["GET"])
@permission_classes([IsCrmAdmin])
def event_catalogue(request):
    from .registry import event_types

    return Response(
        EventTypeSerializer(
            [
                {
                    "name": e.name,
                    "description": e.description,
                    "record": e.record,
                    "example": e.example,
                }
                for e in event_types()
            ],
            many=True,
        ).data
    )
