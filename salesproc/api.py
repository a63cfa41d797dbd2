from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import lockout, services
from .api_support import IsCrmAdminOrReadOnly
from .client import client_address
from .models import SalesRole, Team, User
from .processes import PROCESS_KEYS, PROCESS_LABELS


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
        ]

    def get_processes(self, user) -> list[dict]:
        return [{"key": key, "label": PROCESS_LABELS[key]} for key in user.processes]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class LoginThrottle(AnonRateThrottle):
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


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name"]

    def get_queryset(self):
        from .models import users_visible_to

        return users_visible_to(self.request.user).order_by("username")

    @action(detail=False, methods=["get"])
    def me(self, request):
        return Response(self.get_serializer(request.user).data)


class RoleViewSet(viewsets.ModelViewSet):
    """Sales roles and the processes each runs. Everyone reads; admins write."""

    serializer_class = RoleSerializer
    permission_classes = [IsCrmAdminOrReadOnly]
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


def register(router):
    router.register("users", UserViewSet, basename="user")
    router.register("roles", RoleViewSet, basename="role")
