"""The API of scheduled reports.

/api/v1/report-subscriptions/        a person's subscriptions (theirs; a manager's team's)
/api/v1/registered-reports/          the reports the caller may see, with their params
/api/v1/registered-reports/{key}/    a report's rows as JSON, or CSV with `?format=csv`
                                     or `Accept: text/csv` (streamed)
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from salesproc.access import get_visible_or_404
from salesproc.api_csv import CSVResponseMixin, asked_for_csv
from salesproc.exports import cell, stream_csv
from salesproc.registry import param_choices, report, reports_for

from . import services
from .models import ReportSubscription


class ReportSubscriptionSerializer(serializers.ModelSerializer):
    report = serializers.CharField(source="report_key", help_text='A report key: "deals.pipeline".')
    title = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    params = serializers.DictField(required=False, default=dict)
    send_time = serializers.TimeField(format="%H:%M", help_text="In the owner's time zone.")
    time_zone = serializers.SerializerMethodField()

    class Meta:
        model = ReportSubscription
        fields = [
            "id",
            "owner",
            "report",
            "title",
            "params",
            "scope",
            "frequency",
            "send_time",
            "weekday",
            "day_of_month",
            "starts_on",
            "is_active",
            "next_send_at",
            "last_sent_at",
            "time_zone",
            "created_at",
        ]
        read_only_fields = ["next_send_at", "last_sent_at", "created_at"]
        extra_kwargs = {"starts_on": {"required": False}, "is_active": {"required": False}}

    def validate_report(self, value):
        if self.instance is not None and value != self.instance.report_key:
            raise serializers.ValidationError(
                "A subscription keeps its report: subscribe again for another one."
            )
        return value

    def get_title(self, obj) -> str:
        item = report(obj.report_key)
        return item.title if item else obj.report_key

    def get_time_zone(self, obj) -> str:
        return obj.owner.zone.key


class ReportSubscriptionViewSet(viewsets.ModelViewSet):
    """Subscriptions to registered reports, sent by email with the data as CSV. Visible:
    your own (rep), your team's (manager), all (admin); another's is a 404. A schedule in
    the past, a report you may not see or bad params are 400s with field errors."""

    serializer_class = ReportSubscriptionSerializer
    filterset_fields = ["report_key", "frequency", "is_active"]
    ordering = ["report_key", "id"]

    def get_queryset(self):
        return (
            ReportSubscription.objects.visible_to(self.request.user)
            .select_related("owner")
            .order_by("report_key", "id")
        )

    def get_object(self):
        subscription = get_visible_or_404(self.get_queryset(), self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, subscription)
        return subscription

    def _fields(self, data):
        return {
            "params": data.get("params") or {},
            "scope": data.get("scope", ReportSubscription.Scope.MINE),
            "frequency": data["frequency"],
            "send_time": data["send_time"],
            "weekday": data.get("weekday"),
            "day_of_month": data.get("day_of_month"),
            "starts_on": data.get("starts_on"),
        }

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.subscription_create(
            actor=self.request.user, report_key=data["report_key"], **self._fields(data)
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        current = {
            "params": instance.params,
            "scope": instance.scope,
            "frequency": instance.frequency,
            "send_time": instance.send_time,
            "weekday": instance.weekday,
            "day_of_month": instance.day_of_month,
            "starts_on": instance.starts_on,
        }
        data = {**current, **serializer.validated_data}
        serializer.instance = services.subscription_update(
            actor=self.request.user,
            subscription=instance,
            is_active=data.get("is_active", instance.is_active),
            **self._fields(data),
        )

    def perform_destroy(self, instance):
        services.subscription_delete(actor=self.request.user, subscription=instance)


class ParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.ListField())
    default = serializers.CharField(allow_null=True)


class RegisteredReportSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    params = ParamSerializer(many=True)
    owner_param = serializers.CharField()
    subscribers = serializers.IntegerField(required=False)


class ReportRowsSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())


def _describe(item):
    return {
        "key": item.key,
        "title": item.title,
        "owner_param": item.owner_param,
        "params": [
            {
                "name": p.name,
                "label": p.label,
                "kind": p.kind,
                "required": p.required,
                "choices": [list(c) for c in param_choices(p)],
                "default": p.default,
            }
            for p in item.params
        ],
    }


class RegisteredReportViewSet(CSVResponseMixin, viewsets.ViewSet):
    """Every report of the product you may see, and its rows with your visibility. The
    report's params are query parameters (see `params`); bad ones are a 400."""

    lookup_field = "key"
    lookup_value_regex = r"[a-z_]+\.[a-z_]+"

    @extend_schema(responses=RegisteredReportSerializer(many=True))
    def list(self, request):
        return Response([_describe(item) for item in reports_for(request.user)])

    @extend_schema(
        responses={200: ReportRowsSerializer, (200, "text/csv"): OpenApiTypes.STR},
        parameters=[
            OpenApiParameter("format", str, enum=["json", "csv"], required=False),
        ],
    )
    def retrieve(self, request, key=None):
        item = services.report_for_user(user=request.user, key=key)
        if item is None:
            raise NotFound("No such report.")
        params = services.check_params(user=request.user, item=item, params=request.query_params)
        columns, rows = services.run_report(item=item, user=request.user, params=params)
        if asked_for_csv(request):
            return stream_csv(
                _with_heading(columns, rows),
                filename=f"{item.key}-{timezone.localdate():%Y-%m-%d}",
            )
        return Response(
            {
                "key": item.key,
                "title": item.title,
                "columns": columns,
                "rows": [[cell(value) for value in row] for row in rows],
            }
        )


def _with_heading(columns, rows):
    yield columns
    for row in rows:
        yield [cell(value) for value in row]


def register(router):
    router.register(
        "report-subscriptions", ReportSubscriptionViewSet, basename="report-subscription"
    )
    router.register("registered-reports", RegisteredReportViewSet, basename="registered-report")


extra_urls = []
