"""/api/v1/workflows/ (with test/ and history/) and /api/v1/workflow-runs/, admins only:
anyone else gets 403 on a collection and 404 on an id."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import services
from .conditions import OPERATORS, SOURCES
from .models import WorkflowRule, WorkflowRuleVersion, WorkflowRun


class AdminsOnly(IsAuthenticated):
    """A collection answers 403 to a non-admin; an id answers 404 (get_queryset is empty),
    so nobody learns which rules exist."""

    message = "Only an admin manages workflow rules."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.user.is_crm_admin or bool(view.kwargs.get("pk"))


class AdminOnlyQuerysetMixin:
    permission_classes = [AdminsOnly]

    def get_queryset(self):
        if not self.request.user.is_crm_admin:
            return self.queryset.none()
        return self.queryset


class ConditionSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=list(SOURCES), default="data")
    field = serializers.CharField()
    op = serializers.ChoiceField(choices=list(OPERATORS))
    value = serializers.JSONField(required=False, default="")


class ActionItemSerializer(serializers.Serializer):
    action = serializers.CharField(
        help_text="A registered workflow action, e.g. calls.plan_follow_up."
    )
    params = serializers.DictField(required=False, default=dict)


class WorkflowRuleSerializer(serializers.ModelSerializer):
    conditions = ConditionSerializer(many=True, required=False)
    actions = ActionItemSerializer(many=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = WorkflowRule
        fields = [
            "id",
            "name",
            "description",
            "trigger",
            "match",
            "conditions",
            "actions",
            "active",
            "owner",
            "version",
            "example_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "example_key", "created_at", "updated_at"]


class WorkflowRuleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkflowRuleVersion
        fields = ["version", "snapshot", "note", "saved_by", "saved_at"]


class WorkflowRunSerializer(serializers.ModelSerializer):
    event_name = serializers.CharField(source="event.name", read_only=True)
    traceback = serializers.SerializerMethodField()

    class Meta:
        model = WorkflowRun
        fields = [
            "id",
            "rule",
            "rule_version",
            "event",
            "event_name",
            "status",
            "reason",
            "results",
            "error",
            "traceback",
            "attempts",
            "created_at",
            "finished_at",
        ]

    def get_traceback(self, run) -> str:
        request = self.context.get("request")
        return run.traceback if request and request.user.is_crm_admin else ""


class WorkflowRuleViewSet(AdminOnlyQuerysetMixin, viewsets.ModelViewSet):
    queryset = WorkflowRule.objects.select_related("owner").order_by("name", "id")
    serializer_class = WorkflowRuleSerializer

    def perform_create(self, serializer):
        serializer.instance = services.rule_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.rule_update(
            actor=self.request.user,
            rule=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.rule_delete(actor=self.request.user, rule=instance)

    @extend_schema(
        request=inline_serializer(
            "WorkflowTestRequest", {"event": serializers.IntegerField(required=False)}
        ),
        responses={
            200: inline_serializer(
                "WorkflowTestResult",
                {
                    "event": serializers.IntegerField(),
                    "matched": serializers.BooleanField(),
                    "reason": serializers.CharField(),
                    "actions": serializers.ListField(child=serializers.DictField()),
                    "error": serializers.CharField(required=False),
                },
            )
        },
        description="What the rule would do on one of the last 50 events of its trigger "
        "(the newest when no event is given). Nothing is written.",
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        rule = self.get_object()
        return Response(
            services.rule_test(actor=request.user, rule=rule, event_id=request.data.get("event"))
        )

    @extend_schema(responses={200: WorkflowRuleVersionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rule = self.get_object()
        versions = rule.versions.all()
        return Response(WorkflowRuleVersionSerializer(versions, many=True).data)


class WorkflowRunViewSet(
    AdminOnlyQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The run log: `?rule=` and `?status=` narrow it."""

    queryset = WorkflowRun.objects.select_related("event").order_by("-created_at", "-id")
    serializer_class = WorkflowRunSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        rule = self.request.query_params.get("rule")
        if rule:
            queryset = queryset.filter(rule_id=rule if str(rule).isdigit() else None)
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset


def register(router):
    """Register this part's viewsets on the API router."""
    router.register("workflows", WorkflowRuleViewSet, basename="workflow")
    router.register("workflow-runs", WorkflowRunViewSet, basename="workflow-run")


extra_urls = []
