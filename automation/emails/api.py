"""/api/v1/email-templates/ with render/ and send/ on a record."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_support import RunsProcess

from . import services
from .models import EmailTemplate

RECORD_TYPES = ("contact", "lead", "deal", "call", "account")


class EmailTemplateSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = EmailTemplate
        fields = [
            "id",
            "name",
            "subject",
            "body",
            "category",
            "shared",
            "owner",
            "usage_count",
            "last_used_at",
        ]
        read_only_fields = ["id", "owner", "usage_count", "last_used_at"]


class RecordSerializer(serializers.Serializer):
    record_type = serializers.ChoiceField(choices=RECORD_TYPES)
    record_id = serializers.IntegerField(min_value=1)


class SendSerializer(RecordSerializer):
    to = serializers.EmailField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(required=False, max_length=300)
    body = serializers.CharField(required=False, max_length=20000)


RenderedSerializer = inline_serializer(
    "RenderedEmail", {"subject": serializers.CharField(), "body": serializers.CharField()}
)
SentSerializer = inline_serializer(
    "SentEmail",
    {
        "to": serializers.EmailField(),
        "subject": serializers.CharField(),
        "body": serializers.CharField(),
        "event": serializers.IntegerField(),
    },
)


class EmailTemplateViewSet(viewsets.ModelViewSet):
    """Shared templates (admins and managers write them) and your personal ones."""

    process = "automation"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = EmailTemplateSerializer
    filterset_fields = ["category", "shared"]
    search_fields = ["name", "subject"]
    ordering_fields = ["name", "usage_count", "category"]

    def get_queryset(self):
        return EmailTemplate.objects.visible_to(self.request.user).order_by(
            "category", "name", "id"
        )

    def perform_create(self, serializer):
        serializer.instance = services.email_template_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.email_template_update(
            actor=self.request.user,
            template=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.email_template_delete(actor=self.request.user, template=instance)

    @extend_schema(request=RecordSerializer, responses=RenderedSerializer)
    @action(detail=True, methods=["post"])
    def render(self, request, pk=None):
        """The template filled in for a record you can see (404 otherwise)."""
        body = RecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _, _, subject, text = services.template_render_for_record(
            actor=request.user, template_id=pk, **body.validated_data
        )
        return Response({"subject": subject, "body": text})

    @extend_schema(request=SendSerializer, responses=SentSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send it (from DEFAULT_FROM_EMAIL, reply-to you) and record it on the timeline."""
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sent = services.email_send(actor=request.user, template_id=pk, **body.validated_data)
        return Response(sent, status=status.HTTP_200_OK)


def register(router):
    router.register("email-templates", EmailTemplateViewSet, basename="email-template")


extra_urls = []
