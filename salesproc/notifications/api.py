"""`/api/v1/notifications/` (read, mark read) and `/api/v1/notification-preferences/`."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc import services as core_services
from salesproc.models import Notification
from salesproc.pagination import PageNumberPagination

from . import services
from .kinds import CHANNELS, KIND_KEYS


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at", "unread", "channel"]

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


MarkedSerializer = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications, newest first; `?unread=true` for unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")
        if self.request.query_params.get("unread") in ("1", "true", "yes"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        marked = core_services.notifications_mark_read(user=request.user, ids=[notification.pk])
        return Response({"marked": marked})

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": core_services.notifications_mark_read(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_KEYS, read_only=True)
    label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=CHANNELS)
    chosen = serializers.BooleanField(read_only=True)


class NotificationPreferenceViewSet(
    mixins.ListModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Per kind of notification: in_app, email or digest. PUT/PATCH `{kind}/`."""

    serializer_class = PreferenceSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"

    def get_queryset(self):
        return Notification.objects.none()  # rows come from the service

    def list(self, request):
        return Response(
            PreferenceSerializer(services.preferences_for(user=request.user), many=True).data
        )

    def update(self, request, kind=None, partial=False):
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.preference_set(
            actor=request.user, kind=kind, channel=serializer.validated_data["channel"]
        )
        row = next(r for r in services.preferences_for(user=request.user) if r["kind"] == kind)
        return Response(PreferenceSerializer(row).data)


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register(
        "notification-preferences",
        NotificationPreferenceViewSet,
        basename="notification-preference",
    )
