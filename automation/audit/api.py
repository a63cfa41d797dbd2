"""/api/v1/time-audits/, /api/v1/time-entries/ and /api/v1/reports/time-audit/."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from salesproc.api_support import RunsProcess, VisiblePrimaryKeyRelatedField
from salesproc.models import SalesRole, Team

from . import selectors, services
from .models import AuditCategory, TimeAudit, TimeEntry


class TimeAuditSerializer(serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False
    )
    roles = serializers.PrimaryKeyRelatedField(
        many=True, queryset=SalesRole.objects.all(), required=False
    )
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="Empty: a week.")
    participants = serializers.SerializerMethodField()

    class Meta:
        model = TimeAudit
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "teams",
            "roles",
            "opened_by",
            "participants",
        ]
        read_only_fields = ["id", "opened_by"]

    def get_participants(self, obj) -> int:
        return obj.participant_count


class TimeAuditViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Audit periods you take part in, opened, or (managers) that cover your team."""

    process = "automation"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = TimeAuditSerializer

    def get_queryset(self):
        from django.db.models import Count

        return (
            TimeAudit.objects.visible_to(self.request.user)
            .annotate(participant_count=Count("participants"))
            .prefetch_related("teams", "roles")
            .order_by("-starts_on", "-id")
        )

    def perform_create(self, serializer):
        audit = services.audit_open(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=audit.pk)


class CategoryField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return AuditCategory.objects.all()


class TimeEntrySerializer(serializers.ModelSerializer):
    audit = VisiblePrimaryKeyRelatedField(queryset=TimeAudit.objects.all())
    category = CategoryField()
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "audit", "category", "day", "minutes", "note", "user", "created_at"]
        read_only_fields = ["id", "user", "created_at"]
        extra_kwargs = {"minutes": {"min_value": 1, "max_value": 1440}}


class TimeEntryViewSet(viewsets.ModelViewSet):
    """Time entries: yours, your team's (managers) or everyone's (admins); you change your own."""

    process = "automation"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = TimeEntrySerializer
    filterset_fields = ["audit", "user", "category", "day"]
    ordering_fields = ["day", "minutes"]

    def get_queryset(self):
        return TimeEntry.objects.visible_to(self.request.user).order_by("day", "id")

    def perform_create(self, serializer):
        serializer.instance = services.time_entry_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.time_entry_update(
            actor=self.request.user, entry=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.time_entry_delete(actor=self.request.user, entry=instance)


class CategoryFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    selling = serializers.BooleanField()
    automation = serializers.CharField()
    hours = serializers.FloatField()
    people = serializers.IntegerField()
    per_person_week = serializers.FloatField()
    score = serializers.FloatField()
    by_role = serializers.ListField(child=serializers.FloatField())


class ReportSerializer(serializers.Serializer):
    audit = serializers.IntegerField(source="audit.pk")
    people = serializers.IntegerField()
    hours = serializers.FloatField()
    selling_hours = serializers.FloatField()
    selling_share = serializers.IntegerField()
    role_names = serializers.ListField(child=serializers.CharField())
    categories = CategoryFigureSerializer(many=True)
    candidates = serializers.SerializerMethodField()
    persons = serializers.ListField(child=serializers.DictField())

    def get_candidates(self, report) -> list[dict]:
        return [
            {
                "category": c["name"],
                "hours": c["hours"],
                "people": c["people"],
                "score": c["score"],
                "automation": c["link"][0] if c["link"] else "",
                "url": c["link"][1] if c["link"] else "",
            }
            for c in report["candidates"]
        ]


class AuditReportQuery(serializers.Serializer):
    audit = serializers.IntegerField(min_value=1)
    compare = serializers.IntegerField(min_value=1, required=False)


class TimeAuditReportView(APIView):
    """The audit report over the entries you may see, optionally compared with another."""

    process = "automation"
    permission_classes = [IsAuthenticated, RunsProcess]

    @extend_schema(
        parameters=[
            OpenApiParameter("audit", OpenApiTypes.INT, required=True),
            OpenApiParameter("compare", OpenApiTypes.INT, description="Another audit's id."),
        ],
        responses=inline_serializer(
            "TimeAuditReport",
            {
                "report": ReportSerializer(),
                "comparison": serializers.ListField(child=serializers.DictField(), allow_null=True),
            },
        ),
    )
    def get(self, request):
        query = AuditReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        audit = services.get_audit_for_user(request.user, query.validated_data["audit"])
        report = selectors.audit_report(user=request.user, audit=audit)
        comparison = None
        if query.validated_data.get("compare"):
            other = services.get_audit_for_user(request.user, query.validated_data["compare"])
            other_report = selectors.audit_report(user=request.user, audit=other)
            before, after = sorted(
                [report, other_report], key=lambda r: (r["audit"].starts_on, r["audit"].pk)
            )
            comparison = selectors.audit_comparison(before=before, after=after)
        return Response({"report": ReportSerializer(report).data, "comparison": comparison})


def register(router):
    router.register("time-audits", TimeAuditViewSet, basename="time-audit")
    router.register("time-entries", TimeEntryViewSet, basename="time-entry")


extra_urls = [
    path("reports/time-audit/", TimeAuditReportView.as_view(), name="report-time-audit"),
]
