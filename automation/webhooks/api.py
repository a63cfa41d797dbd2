"""REST API of webhooks: /api/v1/webhooks/ (+ rotate-secret/, ping/) and
/api/v1/webhook-deliveries/ (?webhook=, redeliver/). Admins only: anyone else gets 403
on a collection and 404 on an id."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from . import services
from .models import Webhook, WebhookAttempt, WebhookDelivery


class AdminsOnly(BasePermission):
    """403 on a collection for a non-admin; an id answers 404 (the queryset is empty)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_crm_admin or view.detail:
            return True
        raise PermissionDenied("Only an admin can manage webhooks.")


def _admin_queryset(view, queryset):
    user = view.request.user
    if getattr(view, "swagger_fake_view", False) or not user.is_crm_admin:
        return queryset.none()
    return queryset


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.CharField(max_length=100),
        help_text='Event names or patterns, e.g. ["deal.won", "lead.*"].',
    )
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "active",
            "description",
            "owner",
            "disabled_reason",
            "failing_since",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "owner",
            "disabled_reason",
            "failing_since",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"url": {"validators": []}}


class WebhookWithSecretSerializer(WebhookSerializer):
    """The create and rotate-secret answer: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "status_code", "latency_ms", "response_body", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "event",
            "event_name",
            "message_id",
            "attempt",
            "status",
            "response_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "attempts",
        ]
        read_only_fields = fields


class WebhookViewSet(viewsets.ModelViewSet):
    """Webhook subscriptions (admins)."""

    serializer_class = WebhookSerializer
    permission_classes = [AdminsOnly]
    queryset = Webhook.objects.none()
    ordering = ["url", "id"]
    filter_backends = []

    def get_queryset(self):
        return _admin_queryset(self, Webhook.objects.order_by("url", "id"))

    @extend_schema(responses={201: WebhookWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hook = services.webhook_create(actor=request.user, data=serializer.validated_data)
        return Response(WebhookWithSecretSerializer(hook).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.webhook_update(
            actor=self.request.user, webhook=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.webhook_delete(actor=self.request.user, webhook=instance)

    @extend_schema(request=None, responses={200: WebhookWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret (shown once); the previous one keeps signing for 24 hours."""
        hook = services.webhook_rotate_secret(actor=request.user, webhook=self.get_object())
        return Response(WebhookWithSecretSerializer(hook).data)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        """Send a test event (webhook.ping) to the subscription."""
        delivery = services.webhook_ping(actor=request.user, webhook=self.get_object())
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryFilter(django_filters.FilterSet):
    webhook = django_filters.NumberFilter(field_name="webhook_id")

    class Meta:
        model = WebhookDelivery
        fields = ["webhook", "status", "event_name"]


class WebhookDeliveryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Deliveries, newest first, each with its attempts (admins)."""

    serializer_class = DeliverySerializer
    permission_classes = [AdminsOnly]
    queryset = WebhookDelivery.objects.none()
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at"]
    search_fields = []

    def get_queryset(self):
        return _admin_queryset(
            self,
            WebhookDelivery.objects.order_by("-created_at", "-id").prefetch_related(
                Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number"))
            ),
        )

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send it again: a new attempt with the same webhook-id."""
        delivery = services.delivery_redeliver(actor=request.user, delivery=self.get_object())
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


def register(router):
    router.register("webhooks", WebhookViewSet, basename="webhook")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")


extra_urls = []
