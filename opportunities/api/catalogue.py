"""The admin catalogues over the API: competitors, win strategies, win/loss reasons."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from opportunities import services
from opportunities.models import (
    Competitor,
    WinLossReason,
    WinStrategy,
)
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
)

from .common import OutcomeField


class _CatalogueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Everyone reads; admins write (deactivate instead of deleting)."""

    process = "opportunities"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    create_service = update_service = None
    instance_kwarg = ""

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            actor=self.request.user,
            data=dict(serializer.validated_data),
            **{self.instance_kwarg: serializer.instance},
        )


class CompetitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = [
            "id",
            "name",
            "kind",
            "website",
            "strengths",
            "weaknesses",
            "landmines",
            "how_we_win",
            "is_active",
        ]


class CompetitorViewSet(_CatalogueViewSet):
    serializer_class = CompetitorSerializer
    queryset = Competitor.objects.order_by("kind", "name")
    create_service = services.competitor_create
    update_service = services.competitor_update
    instance_kwarg = "competitor"


class WinStrategySerializer(serializers.ModelSerializer):
    class Meta:
        model = WinStrategy
        fields = ["id", "name", "description", "order", "is_active"]


class WinStrategyViewSet(_CatalogueViewSet):
    serializer_class = WinStrategySerializer
    queryset = WinStrategy.objects.order_by("order", "name")
    create_service = services.strategy_create
    update_service = services.strategy_update
    instance_kwarg = "strategy"


class WinLossReasonSerializer(serializers.ModelSerializer):
    outcome = OutcomeField()

    class Meta:
        model = WinLossReason
        fields = ["id", "outcome", "name", "order", "is_active"]


class WinLossReasonViewSet(_CatalogueViewSet):
    serializer_class = WinLossReasonSerializer
    queryset = WinLossReason.objects.order_by("outcome", "order", "name")
    create_service = services.reason_create
    update_service = services.reason_update
    instance_kwarg = "reason"
