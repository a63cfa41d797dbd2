"""An account's potential (and the override action), the tier policies and the potential
model's bands."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import get_account_for_user
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
)
from territories.models import PotentialBand, TierPolicy
from territories.potential import selectors as potential_selectors
from territories.potential import services as potential_services


class PotentialSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="pk")
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    tier = serializers.CharField()
    override = serializers.SerializerMethodField()
    band_value = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    won_12m = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    open_pipeline = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )

    @extend_schema_field(
        inline_serializer(
            "PotentialOverrideValue",
            {
                "value": serializers.DecimalField(max_digits=16, decimal_places=2),
                "reason": serializers.CharField(),
            },
            allow_null=True,
        )
    )
    def get_override(self, account):
        if account.override_value is None:
            return None
        return {"value": float(account.override_value), "reason": account.override_reason}


class OverrideSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, min_value=0, coerce_to_string=False
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PotentialViewSet(viewsets.ViewSet):
    """An account's potential (model value + won revenue, 12 months + open pipeline, or
    the rep's override) and its tier. Mounted at /accounts/{id}/potential/."""

    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    def _response(self, request, account_id):
        account = potential_selectors.potential_for_account(user=request.user, pk=account_id)
        return Response(PotentialSerializer(account).data)

    @extend_schema(responses=PotentialSerializer)
    def list(self, request, account_id=None):
        return self._response(request, account_id)

    @extend_schema(request=OverrideSerializer, responses=PotentialSerializer)
    @action(detail=False, methods=["post"])
    def override(self, request, account_id=None):
        """Set the rep's own potential (a reason is required); a null value removes it."""
        account = get_account_for_user(request.user, account_id)
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        potential_services.potential_override_set(
            actor=request.user,
            account=account,
            value=serializer.validated_data["value"],
            reason=serializer.validated_data["reason"],
        )
        return self._response(request, account_id)


class TierPolicySerializer(serializers.ModelSerializer):
    min_potential = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, required=False
    )
    response_p = serializers.DecimalField(
        max_digits=4, decimal_places=3, coerce_to_string=False, required=False
    )
    response_r = serializers.DecimalField(
        max_digits=4, decimal_places=3, coerce_to_string=False, required=False
    )

    class Meta:
        model = TierPolicy
        fields = [
            "tier",
            "min_potential",
            "top_share_percent",
            "visits_per_period",
            "period_weeks",
            "channel",
            "min_gap_days",
            "response_p",
            "response_r",
        ]
        read_only_fields = ["tier"]

    def get_fields(self):
        fields = super().get_fields()
        fields["plan_max_visits"] = serializers.IntegerField(
            required=False, allow_null=True, help_text="How far a territory plan may raise it."
        )
        return fields


class TierPolicyViewSet(
    viewsets.mixins.ListModelMixin,
    viewsets.mixins.RetrieveModelMixin,
    viewsets.mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What attention each tier deserves (admins change it; everyone reads it)."""

    serializer_class = TierPolicySerializer
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    process = "territories"
    lookup_field = "tier"
    queryset = TierPolicy.objects.order_by("tier")

    def perform_update(self, serializer):
        serializer.instance = potential_services.tier_policy_update(
            actor=self.request.user, tier=serializer.instance.tier, **serializer.validated_data
        )


class PotentialBandSerializer(serializers.ModelSerializer):
    """A band of the potential model; `basis` says which bounds count (employees_* or
    revenue_*); the others are ignored and answered null."""

    employees_min = serializers.IntegerField(required=False, allow_null=True)
    employees_max = serializers.IntegerField(required=False, allow_null=True)
    revenue_min = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, coerce_to_string=False
    )
    revenue_max = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, coerce_to_string=False
    )
    yearly_value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = PotentialBand
        fields = [
            "id",
            "industry",
            "basis",
            "employees_min",
            "employees_max",
            "revenue_min",
            "revenue_max",
            "yearly_value",
        ]

    def to_input(self, instance=None) -> dict:
        data = self.validated_data
        values = {}
        for name in self.Meta.fields[1:]:
            if name in data:
                values[name] = data[name]
            elif instance is not None:
                values[name] = getattr(instance, name)
        return values


class PotentialBandViewSet(viewsets.ModelViewSet):
    """The potential model's bands: everyone reads them, admins change them (overlapping
    bands of one industry and basis, or negative values, answer 400)."""

    serializer_class = PotentialBandSerializer
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    process = "territories"
    queryset = PotentialBand.objects.order_by("industry", "basis", "employees_min", "id")

    def perform_create(self, serializer):
        serializer.instance = potential_services.potential_band_save(
            actor=self.request.user, **serializer.to_input()
        )

    def perform_update(self, serializer):
        serializer.instance = potential_services.potential_band_save(
            actor=self.request.user,
            band=serializer.instance,
            **serializer.to_input(serializer.instance),
        )

    def perform_destroy(self, instance):
        potential_services.potential_band_delete(actor=self.request.user, band=instance)


def register(router):
    router.register(
        r"accounts/(?P<account_id>\d+)/potential", PotentialViewSet, basename="account-potential"
    )
    router.register("tier-policies", TierPolicyViewSet, basename="tier-policy")
    router.register("potential-bands", PotentialBandViewSet, basename="potential-band")
