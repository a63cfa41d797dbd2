"""Territory plans: the three questions, submitted and reviewed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_support import (
    RunsProcess,
    VisiblePrimaryKeyRelatedField,
)
from territories.models import Territory, TerritoryPlan, TerritoryPlanAccount
from territories.plans import selectors as plan_selectors
from territories.plans import services as plan_services


class PlanAccountSerializer(serializers.ModelSerializer):
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = TerritoryPlanAccount
        fields = ["account", "rank", "potential", "tier", "note"]
        read_only_fields = ["account", "rank", "potential", "tier"]


class TerritoryPlanSerializer(serializers.ModelSerializer):
    territory = VisiblePrimaryKeyRelatedField(queryset=Territory.objects.all())
    top_accounts = PlanAccountSerializer(many=True, read_only=True)
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        write_only=True,
        required=False,
        help_text="{account id: note} for the plan's top accounts.",
    )
    tier_targets = serializers.DictField(child=serializers.IntegerField(), required=False)

    class Meta:
        model = TerritoryPlan
        fields = [
            "id",
            "territory",
            "period_start",
            "period_end",
            "status",
            "top_accounts",
            "notes",
            "tier_targets",
            "service_text",
            "coverage_target_percent",
            "review_comment",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = ["status", "review_comment", "submitted_at", "reviewed_at"]
        validators = []  # one plan per territory and period: the service says so


class PlanReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@method_decorator(transaction.atomic, name="dispatch")  # for_write fetches lock rows
class TerritoryPlanViewSet(
    viewsets.mixins.CreateModelMixin,
    viewsets.mixins.ListModelMixin,
    viewsets.mixins.RetrieveModelMixin,
    viewsets.mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Territory plans: top accounts by potential (generated; the rep notes each), tier
    targets, how each gets the right service; submitted, then approved or sent back."""

    serializer_class = TerritoryPlanSerializer
    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    def get_queryset(self):
        return (
            TerritoryPlan.objects.visible_to(self.request.user)
            .select_related("territory")
            .prefetch_related("top_accounts")
        )

    def get_object(self):
        plan_selectors.get_territory_plan_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        with transaction.atomic():
            plan = plan_services.territory_plan_create(
                actor=self.request.user,
                territory=data["territory"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
            self._answers(plan, data)
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def perform_update(self, serializer):
        self._answers(serializer.instance, serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def _answers(self, plan, data):
        notes = {}
        for key, note in (data.get("notes") or {}).items():
            try:
                notes[int(key)] = note
            except ValueError:
                raise ValidationError({"notes": "Key the notes by account id."}) from None
        plan_services.territory_plan_update(
            actor=self.request.user,
            plan=plan,
            notes=notes,
            tier_targets=data.get("tier_targets"),
            service_text=data.get("service_text"),
            coverage_target_percent=data.get("coverage_target_percent"),
        )

    @extend_schema(request=None, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = plan_services.territory_plan_submit(actor=request.user, plan=self.get_object())
        return Response(TerritoryPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=PlanReviewSerializer, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, approve=True)

    @extend_schema(request=PlanReviewSerializer, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        """Send the plan back with a comment saying what should change."""
        return self._review(request, approve=False)

    def _review(self, request, *, approve):
        serializer = PlanReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = plan_services.territory_plan_review(
            actor=request.user,
            plan=self.get_object(),
            approve=approve,
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(TerritoryPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)


def register(router):
    router.register("territory-plans", TerritoryPlanViewSet, basename="territory-plan")
