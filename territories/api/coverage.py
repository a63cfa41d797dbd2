"""Reports: coverage per territory or rep, and territory balance for managers."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_support import (
    RunsProcess,
)
from territories.coverage import selectors as coverage_selectors


class CoverageTierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    window_days = serializers.IntegerField()
    accounts = serializers.IntegerField()
    visited = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    potential_covered = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )


class OverdueSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    tier = serializers.CharField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    days_overdue = serializers.IntegerField(allow_null=True)
    last_visit = serializers.DateTimeField(source="last_held", allow_null=True)


class CoverageSerializer(serializers.Serializer):
    territories = serializers.ListField(child=serializers.IntegerField())
    tiers = CoverageTierSerializer(many=True)
    overdue = OverdueSerializer(many=True)
    overdue_count = serializers.IntegerField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    potential_covered = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )
    potential_percent = serializers.IntegerField(allow_null=True)


class CoverageViewSet(viewsets.ViewSet):
    """GET /reports/coverage/?territory=&rep=: accounts per tier visited within their
    policy window, overdue accounts (days overdue), potential covered."""

    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    @extend_schema(
        parameters=[
            OpenApiParameter("territory", int, required=False),
            OpenApiParameter("rep", int, required=False),
        ],
        responses=CoverageSerializer,
    )
    def list(self, request):
        territories = coverage_selectors.coverage_scope(
            user=request.user,
            territory_id=request.query_params.get("territory"),
            rep_id=request.query_params.get("rep"),
        )
        report = coverage_selectors.coverage(user=request.user, territories=territories)
        report["territories"] = [t.pk for t in territories]
        return Response(CoverageSerializer(report).data)


class BalanceRowSerializer(serializers.Serializer):
    territory = serializers.IntegerField(source="territory.pk")
    name = serializers.CharField(source="territory.name")
    rep = serializers.IntegerField(source="territory.rep_id")
    accounts = serializers.IntegerField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    required = serializers.IntegerField(help_text="Visits the tier policies require per 4 weeks.")
    capacity = serializers.IntegerField(allow_null=True)
    load_percent = serializers.IntegerField(allow_null=True)
    overloaded = serializers.BooleanField()


class BalanceViewSet(viewsets.ViewSet):
    """GET /reports/territory-balance/: territories side by side (managers and admins)."""

    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    @extend_schema(responses=BalanceRowSerializer(many=True))
    def list(self, request):
        if not (request.user.is_manager or request.user.is_crm_admin):
            raise PermissionDenied("Territory balance is for managers and admins.")
        rows = coverage_selectors.territory_balance(user=request.user)
        return Response(BalanceRowSerializer(rows, many=True).data)


def register(router):
    router.register("reports/coverage", CoverageViewSet, basename="report-coverage")
    router.register("reports/territory-balance", BalanceViewSet, basename="report-balance")
