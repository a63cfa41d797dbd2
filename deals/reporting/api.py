"""REST API of deal reporting: quotas, forecast submissions, the month plan, pipeline,
forecast and stalled-deal reports, and the manager's forecast-category override."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from deals import periods
from deals.models import Deal, ForecastSubmission, Quota
from deals.selectors import get_deal_for_user
from salesproc.api_support import RunsProcess, VisibleUserField

from . import selectors, services
from .serializers import (
    ForecastReportSerializer,
    MonthPlanSerializer,
    PipelineReportSerializer,
    SalesMetricsSerializer,
    StalledDealSerializer,
)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-06"})
class MonthField(serializers.Field):
    """A calendar month as "YYYY-MM" (stored as its first day)."""

    default_error_messages = {"invalid": "Give a month as YYYY-MM, for example 2025-06."}

    def to_representation(self, value):
        return value.strftime("%Y-%m")

    def to_internal_value(self, data):
        try:
            return periods.parse_month(str(data))
        except DjangoValidationError:
            self.fail("invalid")


# -- quotas -------------------------------------------------------------------------------------


class QuotaSerializer(serializers.ModelSerializer):
    user = VisibleUserField(help_text="The rep. Managers set their team's, admins anyone's.")
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    period = MonthField(source="period_start", help_text="The month, as YYYY-MM.")

    class Meta:
        model = Quota
        fields = ["id", "user", "user_name", "period", "period_start", "period_end", "amount"]
        read_only_fields = ["period_start", "period_end"]
        validators = []  # quota_create says which month is taken, in words

    def validate(self, attrs):
        if self.instance is not None:
            for field, source in (("user", "user"), ("period", "period_start")):
                if source in attrs and attrs[source] != getattr(self.instance, source):
                    raise serializers.ValidationError(
                        {field: "A quota's rep and month are fixed: delete it and add another."}
                    )
        return attrs


class QuotaFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(method="filter_period", label="Month (YYYY-MM)")

    class Meta:
        model = Quota
        fields = ["user", "period"]

    def filter_period(self, queryset, name, value):
        try:
            return queryset.filter(period_start=periods.parse_month(value))
        except DjangoValidationError:
            raise serializers.ValidationError({"period": "Give a month as YYYY-MM."})


class QuotaWriters(BasePermission):
    message = "Only managers and admins set quotas."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user.is_crm_admin or request.user.is_manager)


class QuotaViewSet(viewsets.ModelViewSet):
    """Monthly quotas. Reps read their own; managers read and set their team's; admins all."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess, QuotaWriters]
    serializer_class = QuotaSerializer
    filterset_class = QuotaFilter
    ordering_fields = ["period_start", "amount"]
    ordering = ["-period_start", "user"]

    def get_queryset(self):
        return (
            Quota.objects.visible_to(self.request.user)
            .select_related("user")
            .order_by("-period_start", "user_id", "id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.quota_create(
            actor=self.request.user,
            user=data["user"],
            period_start=data["period_start"],
            amount=data["amount"],
        )

    def perform_update(self, serializer):
        serializer.instance = services.quota_update(
            actor=self.request.user,
            quota=serializer.instance,
            amount=serializer.validated_data.get("amount", serializer.instance.amount),
        )

    def perform_destroy(self, instance):
        services.quota_delete(actor=self.request.user, quota=instance)


# -- forecast submissions ----------------------------------------------------------------------


class ForecastSubmissionSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    period = MonthField(source="period_start", help_text="The month, as YYYY-MM.")

    class Meta:
        model = ForecastSubmission
        fields = [
            "id",
            "user",
            "user_name",
            "period",
            "period_start",
            "period_end",
            "commit_amount",
            "best_case_amount",
            "note",
            "submitted_at",
        ]
        read_only_fields = ["period_start", "period_end", "submitted_at"]


class ForecastSubmissionFilter(QuotaFilter):
    class Meta:
        model = ForecastSubmission
        fields = ["user", "period"]


class ForecastSubmissionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A rep's commit and best case per month. Every submission is kept; the latest counts."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = ForecastSubmissionSerializer
    filterset_class = ForecastSubmissionFilter
    ordering_fields = ["submitted_at", "period_start"]
    ordering = ["-submitted_at"]

    def get_queryset(self):
        return (
            ForecastSubmission.objects.visible_to(self.request.user)
            .select_related("user")
            .order_by("-submitted_at", "-id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.forecast_submit(
            actor=self.request.user,
            period_start=data["period_start"],
            commit_amount=data["commit_amount"],
            best_case_amount=data["best_case_amount"],
            note=data.get("note", ""),
        )


# -- forecast category override -----------------------------------------------------------------


class ForecastCategoryRequestSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Deal.ForecastCategory.choices)
    version = serializers.IntegerField(
        min_value=1, help_text="The version of the deal you saw; a stale one gives 409."
    )


class ForecastCategoryResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    forecast_category = serializers.CharField()
    version = serializers.IntegerField()


class DealForecastCategoryView(APIView):
    """The owner's manager (or an admin) overrides where a deal sits in the forecast."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]

    @extend_schema(
        request=ForecastCategoryRequestSerializer,
        responses={
            200: ForecastCategoryResultSerializer,
            400: OpenApiResponse(description="Unknown category, closed deal or bad version."),
            403: OpenApiResponse(description="Not the owner's manager or an admin."),
            404: OpenApiResponse(description="No such deal among those you can see."),
            409: OpenApiResponse(description="The version sent is stale."),
        },
    )
    def post(self, request, pk):
        deal = get_deal_for_user(request.user, pk)
        body = ForecastCategoryRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_set_forecast_category(
            actor=request.user,
            deal=deal,
            category=body.validated_data["category"],
            version=body.validated_data["version"],
        )
        return Response(
            ForecastCategoryResultSerializer(
                {
                    "id": deal.pk,
                    "forecast_category": deal.forecast_category,
                    "version": deal.version,
                }
            ).data
        )


# -- reports ------------------------------------------------------------------------------------


OWNER_PARAM = OpenApiParameter(
    "owner", OpenApiTypes.INT, description="A rep's user id (default: everyone you can see)."
)
MONTH_PARAM = OpenApiParameter(
    "month", OpenApiTypes.STR, description="YYYY-MM (default: the current month)."
)


class _ReportView(APIView):
    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]

    def month(self, request):
        return request.query_params.get("month") or timezone.localdate().strftime("%Y-%m")


class MonthPlanReportView(_ReportView):
    """The month plan: week by week, expected deals, won, quota, gap, weighted pipeline and
    the input needed (pipeline to create = gap / win rate over the previous six months)."""

    @extend_schema(parameters=[MONTH_PARAM, OWNER_PARAM], responses=MonthPlanSerializer)
    def get(self, request):
        month = self.month(request)
        owner = request.query_params.get("owner")
        plan = selectors.month_plan(user=request.user, month=month, owner=owner)
        selectors.attach_deals(
            plan, selectors.month_plan_deals(user=request.user, month=month, owner=plan.owner)
        )
        return Response(MonthPlanSerializer(plan).data)


class PipelineReportView(_ReportView):
    """Open deals per stage (count, amount, weighted amount) over the deals you can see."""

    @extend_schema(
        parameters=[
            OWNER_PARAM,
            OpenApiParameter("pipeline", OpenApiTypes.INT),
            OpenApiParameter(
                "close_from", OpenApiTypes.DATE, description="Expected close on or after"
            ),
            OpenApiParameter(
                "close_to", OpenApiTypes.DATE, description="Expected close on or before"
            ),
        ],
        responses=PipelineReportSerializer,
    )
    def get(self, request):
        params = request.query_params
        summary = selectors.pipeline_summary(
            user=request.user,
            owner=params.get("owner"),
            pipeline=params.get("pipeline"),
            close_from=params.get("close_from"),
            close_to=params.get("close_to"),
        )
        return Response(PipelineReportSerializer(summary).data)


class SalesMetricsReportView(_ReportView):
    """Win rate, average won deal, sales cycle and pipeline velocity over the last months,
    and won vs quota per rep for `month`."""

    @extend_schema(
        parameters=[
            OWNER_PARAM,
            OpenApiParameter("pipeline", OpenApiTypes.INT),
            OpenApiParameter(
                "months",
                OpenApiTypes.INT,
                description="Look-back in full months before the current one, 1 to 24 (6)",
            ),
            MONTH_PARAM,
        ],
        responses=SalesMetricsSerializer,
    )
    def get(self, request):
        params = request.query_params
        try:
            months = int(params.get("months") or selectors.HISTORY_MONTHS)
        except ValueError:
            raise DjangoValidationError({"months": "Give a number of months."})
        metrics = selectors.sales_metrics(
            user=request.user,
            owner=params.get("owner"),
            pipeline=params.get("pipeline"),
            months=months,
        )
        rows = selectors.attainment(
            user=request.user, month=self.month(request), pipeline=params.get("pipeline")
        )
        owner = params.get("owner")
        if owner:
            rows = [row for row in rows if str(row["id"]) == str(owner)]
        metrics["attainment"] = rows
        return Response(SalesMetricsSerializer(metrics).data)


class ForecastReportView(_ReportView):
    """Forecast roll-up per rep: quota, won, submitted commit and best case, and the open
    pipeline expected to close in the month by forecast category."""

    @extend_schema(parameters=[MONTH_PARAM], responses=ForecastReportSerializer)
    def get(self, request):
        rollup = selectors.forecast_rollup(user=request.user, month=self.month(request))
        return Response(ForecastReportSerializer(rollup).data)


class StalledDealsReportView(generics.GenericAPIView):
    """Open deals with no stage move for longer than their stage's limit, longest first."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = StalledDealSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.stalled_deals(
            user=self.request.user, owner=self.request.query_params.get("owner")
        )

    @extend_schema(parameters=[OWNER_PARAM])
    def get(self, request):
        now = timezone.now()
        page = self.paginate_queryset(self.get_queryset())
        rows = [selectors.stalled_row(deal, now) for deal in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def register(router):
    router.register("quotas", QuotaViewSet, basename="quota")
    router.register(
        "forecast-submissions", ForecastSubmissionViewSet, basename="forecast-submission"
    )


extra_urls = [
    path(
        "deals/<int:pk>/forecast-category/",
        DealForecastCategoryView.as_view(),
        name="deal-forecast-category",
    ),
    path("reports/month-plan/", MonthPlanReportView.as_view(), name="report-month-plan"),
    path("reports/pipeline/", PipelineReportView.as_view(), name="report-pipeline"),
    path("reports/sales-metrics/", SalesMetricsReportView.as_view(), name="report-sales-metrics"),
    path("reports/forecast/", ForecastReportView.as_view(), name="report-forecast"),
    path("reports/stalled-deals/", StalledDealsReportView.as_view(), name="report-stalled-deals"),
]
