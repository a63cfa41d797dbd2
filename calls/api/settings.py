"""Call types with their question banks, and the objection library.

/api/v1/call-types/, /api/v1/objections/  (everyone who runs calls reads, admins write)
"""

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from calls import services
from calls.inputs import CallTypeInput, ObjectionInput
from calls.models import BankQuestion, CallType, Objection
from salesproc.api_support import IsCrmAdminOrReadOnly, RunsProcess


class BankQuestionSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=300)

    class Meta:
        model = BankQuestion
        fields = ["id", "order", "text"]
        read_only_fields = ["id", "order"]


class CallTypeSerializer(serializers.ModelSerializer):
    questions = BankQuestionSerializer(
        many=True, required=False, help_text="The question bank, in order; replaced on write."
    )

    class Meta:
        model = CallType
        fields = [
            "id",
            "name",
            "description",
            "default_duration_minutes",
            "order",
            "is_active",
            "questions",
        ]
        extra_kwargs = {"name": {"validators": []}}


class CallTypeViewSet(viewsets.ModelViewSet):
    """Call types and their question banks. Everyone who runs calls reads; admins write."""

    process = "calls"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    serializer_class = CallTypeSerializer
    pagination_class = None
    filterset_fields = ["is_active"]
    search_fields = ["name"]
    ordering_fields = ["order", "name"]

    def get_queryset(self):
        return CallType.objects.prefetch_related("questions").order_by("order", "name")

    def _data(self, validated):
        data = dict(validated)
        if "questions" in data:
            data["questions"] = [q["text"] for q in data["questions"]]
        return CallTypeInput(**data)

    def perform_create(self, serializer):
        serializer.instance = services.call_type_create(
            actor=self.request.user, data=self._data(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.call_type_update(
            actor=self.request.user,
            call_type=serializer.instance,
            data=self._data(serializer.validated_data),
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.call_type_delete(actor=self.request.user, call_type=instance)


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "suggested_response", "category", "is_active"]
        extra_kwargs = {"text": {"validators": []}}


class ObjectionViewSet(viewsets.ModelViewSet):
    """The objection library. Everyone who runs calls reads; admins write."""

    process = "calls"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    serializer_class = ObjectionSerializer
    filterset_fields = ["category", "is_active"]
    search_fields = ["text", "suggested_response"]
    ordering_fields = ["text", "category"]

    def get_queryset(self):
        return Objection.objects.order_by("category", "text")

    def perform_create(self, serializer):
        serializer.instance = services.objection_create(
            actor=self.request.user, data=ObjectionInput(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.objection_update(
            actor=self.request.user,
            objection=serializer.instance,
            data=ObjectionInput(**serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.objection_delete(actor=self.request.user, objection=instance)
