"""Win/loss reviews over the API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

from opportunities import services
from opportunities.models import (
    Competitor,
    WinLossReason,
    WinLossReview,
    WinStrategy,
)

from .common import OutcomeField, ProcessViewSet


class WinLossReviewSerializer(serializers.ModelSerializer):
    outcome = OutcomeField(read_only=True)
    deal_name = serializers.CharField(source="deal.name", read_only=True)
    reason = serializers.PrimaryKeyRelatedField(
        queryset=WinLossReason.objects.all(), allow_null=True, required=False
    )
    competitor = serializers.PrimaryKeyRelatedField(
        queryset=Competitor.objects.all(), allow_null=True, required=False
    )
    strategy = serializers.PrimaryKeyRelatedField(
        queryset=WinStrategy.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = WinLossReview
        fields = [
            "id",
            "deal",
            "deal_name",
            "outcome",
            "status",
            "reason",
            "competitor",
            "strategy",
            "what_worked",
            "what_did_not",
            "manager_note",
            "plan_completeness",
            "requested_at",
            "reviewed_at",
        ]
        read_only_fields = [
            "deal",
            "outcome",
            "status",
            "plan_completeness",
            "requested_at",
            "reviewed_at",
        ]


class WinLossReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ProcessViewSet
):
    """Requested when a deal is won or lost; the owner writes it, their manager adds a note."""

    serializer_class = WinLossReviewSerializer

    def get_queryset(self):
        qs = WinLossReview.objects.visible_to(self.request.user).select_related("deal")
        status = self.request.query_params.get("status")
        if status in WinLossReview.Status.values:
            qs = qs.filter(status=status)
        return self._deal_filter(qs).order_by("-requested_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("deal", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=WinLossReview.Status.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer):
        review, data = serializer.instance, serializer.validated_data
        note_only = set(data) == {"manager_note"}
        if "manager_note" in data and note_only:
            review = services.review_add_note(
                actor=self.request.user, review=review, note=data["manager_note"]
            )
        else:
            if "manager_note" in data:
                raise DRFValidationError({"manager_note": "Send the manager's note on its own."})
            review = services.review_submit(
                actor=self.request.user,
                review=review,
                reason=data.get("reason", review.reason),
                competitor=data.get("competitor", review.competitor),
                strategy=data.get("strategy", review.strategy),
                what_worked=data.get("what_worked", review.what_worked),
                what_did_not=data.get("what_did_not", review.what_did_not),
            )
        serializer.instance = review
