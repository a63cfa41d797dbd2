"""`/api/v1/notes/`: notes on records the caller may see, through the note services."""

import django_filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from salesproc.pagination import PageNumberPagination
from salesproc.registry import record_types_for

from . import selectors, services
from .models import Note


class RecordNoteSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField()
    record_id = serializers.IntegerField(min_value=1)
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    mentions = serializers.JSONField(
        read_only=True,
        help_text='Who was told: {"notified": [usernames], "not_notified": '
        '[{"username", "reason"}]} (someone who may not see the record is never told).',
    )

    class Meta:
        model = Note
        fields = [
            "id",
            "record_type",
            "record_id",
            "body",
            "body_html",
            "pinned",
            "author",
            "mentions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["body_html", "created_at", "updated_at"]

    def validate_record_type(self, value):
        known = {item.type for item in record_types_for(self.context["request"].user)}
        if value not in known:
            raise serializers.ValidationError(f"Unknown record type: {value}.")
        return value


class NoteUpdateSerializer(RecordNoteSerializer):
    body = serializers.CharField(required=False)

    class Meta(RecordNoteSerializer.Meta):
        read_only_fields = [*RecordNoteSerializer.Meta.read_only_fields, "record_type", "record_id"]


class NoteFilter(django_filters.FilterSet):
    class Meta:
        model = Note
        fields = ["record_type", "record_id", "pinned", "author"]


class NoteViewSet(viewsets.ModelViewSet):
    """Notes on records the caller may see; pinned first, then newest."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    filterset_class = NoteFilter

    def get_queryset(self):
        return selectors.notes_visible_to(self.request.user).order_by(
            "-pinned", "-created_at", "-id"
        )

    def get_serializer_class(self):
        return (
            NoteUpdateSerializer
            if self.action in ("update", "partial_update")
            else RecordNoteSerializer
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.note_create(
            actor=self.request.user,
            record_type=data["record_type"],
            record_id=data["record_id"],
            body=data["body"],
            pinned=data.get("pinned", False),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.note_update(
            actor=self.request.user,
            note=serializer.instance,
            body=data.get("body"),
            pinned=data.get("pinned"),
        )

    def perform_destroy(self, instance):
        services.note_delete(actor=self.request.user, note=instance)


def register(router):
    router.register("notes", NoteViewSet, basename="note")
