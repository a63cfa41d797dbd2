"""`/api/v1/tasks/`: the same services and visibility as the pages."""

import django_filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from salesproc.api_support import VisibleUserField
from salesproc.pagination import PageNumberPagination
from salesproc.registry import record_types_for

from . import selectors, services
from .models import Task


class TaskSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(required=False, allow_blank=True, default="")
    record_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    owner = VisibleUserField(required=False)

    class Meta:
        model = Task
        fields = [
            "id",
            "record_type",
            "record_id",
            "title",
            "due_at",
            "owner",
            "priority",
            "notes",
            "done",
            "done_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["done_at", "created_at", "updated_at"]

    def validate_record_type(self, value):
        known = {item.type for item in record_types_for(self.context["request"].user)}
        if value and value not in known:
            raise serializers.ValidationError(f"Unknown record type: {value}.")
        return value


class TaskUpdateSerializer(TaskSerializer):
    class Meta(TaskSerializer.Meta):
        read_only_fields = [*TaskSerializer.Meta.read_only_fields, "record_type", "record_id"]


class TaskFilter(django_filters.FilterSet):
    due = django_filters.ChoiceFilter(
        choices=[(k, k) for k in ("overdue", "today", "upcoming", "done")], method="filter_due"
    )

    class Meta:
        model = Task
        fields = ["done", "owner", "priority", "record_type", "record_id"]

    def filter_due(self, queryset, name, value):
        return queryset.filter(selectors.bucket_conditions()[value])


class TaskViewSet(viewsets.ModelViewSet):
    """Tasks the caller may see (their own; a manager's team's; an admin's all)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination
    filterset_class = TaskFilter

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).order_by("done", "due_at", "id")

    def get_serializer_class(self):
        return (
            TaskUpdateSerializer if self.action in ("update", "partial_update") else TaskSerializer
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if data.get("owner") is None:
            data.pop("owner", None)
        serializer.instance = services.task_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        serializer.instance = services.task_update(
            actor=self.request.user, task=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.task_delete(actor=self.request.user, task=instance)


def register(router):
    router.register("tasks", TaskViewSet, basename="task")
