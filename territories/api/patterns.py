"""Call patterns: propose the weeks, accept some of them into planned calls."""

from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import (
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_support import (
    RunsProcess,
    VisibleUserField,
)
from territories.models import CallPattern, PatternVisit
from territories.patterns import selectors as pattern_selectors
from territories.patterns import services as pattern_services


class PatternVisitSerializer(serializers.ModelSerializer):
    expected_return = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )
    distance_km = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    call = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PatternVisit
        fields = [
            "account",
            "day",
            "order",
            "tier",
            "expected_return",
            "distance_km",
            "call",
            "status",
        ]
        read_only_fields = fields


class PatternWeekSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    visits = PatternVisitSerializer(many=True)


class CapacitySerializer(serializers.Serializer):
    visits_per_day = serializers.IntegerField(min_value=0, max_value=100)
    working_days = serializers.IntegerField(min_value=0, max_value=7)


class CallPatternSerializer(serializers.ModelSerializer):
    rep = VisibleUserField()
    weeks = serializers.IntegerField(min_value=1, max_value=26)
    capacity = CapacitySerializer(write_only=True)
    expected_return = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, read_only=True
    )
    current_expected_return = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, read_only=True
    )
    reduced_capacity_return = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = CallPattern
        fields = [
            "id",
            "rep",
            "weeks",
            "capacity",
            "starts_on",
            "visits_per_day",
            "working_days",
            "expected_return",
            "current_expected_return",
            "reduced_capacity_return",
        ]
        read_only_fields = ["starts_on", "visits_per_day", "working_days"]

    def to_representation(self, pattern):
        data = super().to_representation(pattern)
        weeks, _tallies = pattern_selectors.pattern_layout(pattern)
        data["weeks"] = PatternWeekSerializer(weeks, many=True).data
        return data


class AcceptSerializer(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


@method_decorator(transaction.atomic, name="dispatch")  # for_write fetches lock rows
class CallPatternViewSet(
    viewsets.mixins.CreateModelMixin,
    viewsets.mixins.ListModelMixin,
    viewsets.mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Call patterns: `weeks` (each with `number` and `visits`) that maximise expected
    return within the capacity, against `current_expected_return` (the rep's last weeks)."""

    serializer_class = CallPatternSerializer
    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    def get_queryset(self):
        return CallPattern.objects.visible_to(self.request.user).select_related("rep")

    def get_object(self):
        return pattern_selectors.get_call_pattern_for_user(self.request.user, self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = pattern_services.call_pattern_generate(
            actor=self.request.user,
            rep=data["rep"],
            weeks=data["weeks"],
            visits_per_day=data["capacity"]["visits_per_day"],
            working_days=data["capacity"]["working_days"],
        )

    @extend_schema(
        request=AcceptSerializer,
        responses=inline_serializer(
            "PatternAccepted", {"calls": serializers.ListField(child=serializers.IntegerField())}
        ),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Plan calls for the visits of these weeks; accepting twice creates nothing more."""
        pattern = self.get_object()
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = pattern_services.call_pattern_accept(
            actor=request.user, pattern=pattern, weeks=serializer.validated_data["weeks"]
        )
        return Response({"calls": created})


def register(router):
    router.register("call-patterns", CallPatternViewSet, basename="call-pattern")
