"""GET /api/v1/accounts/{id}/health/ (an action on the accounts viewset) and
/api/v1/health-settings/ (everyone reads, admins write)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from salesproc.registry import health_signals_for

from . import selectors, services


class SignalSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    points = serializers.IntegerField()
    reason = serializers.CharField()


class TrendSerializer(serializers.Serializer):
    week = serializers.DateField()
    score = serializers.IntegerField()
    band = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True, help_text="0 to 100; null: not scored yet.")
    band = serializers.CharField(allow_null=True, help_text="healthy, watch or at_risk.")
    computed_at = serializers.DateTimeField(allow_null=True)
    signals = SignalSerializer(many=True)
    trend = TrendSerializer(many=True, help_text="The last 13 weeks, oldest first.")


def health_body(account):
    health = selectors.account_health(account=account)
    return {
        "score": health.score if health else None,
        "band": health.band if health else None,
        "computed_at": health.computed_at if health else None,
        "signals": health.signals if health else [],
        "trend": selectors.health_trend(account=account, today=timezone.localdate()),
    }


class HealthSettingsSerializer(serializers.Serializer):
    healthy_from = serializers.IntegerField(min_value=1, max_value=100)
    watch_from = serializers.IntegerField(min_value=1, max_value=100)
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        help_text="{signal key: the most points it can cost}.",
    )
    signals = serializers.SerializerMethodField()

    def get_signals(self, _settings) -> list[dict]:
        return [
            {"key": s.key, "label": s.label, "default_weight": s.weight}
            for s in health_signals_for()
        ]


def _settings_body():
    settings = services.health_settings()
    return HealthSettingsSerializer(
        {
            "healthy_from": settings.healthy_from,
            "watch_from": settings.watch_from,
            "weights": services.signal_weights(settings),
        }
    ).data


@extend_schema(
    methods=["GET"], responses={200: HealthSettingsSerializer}, operation_id="health_settings_read"
)
@extend_schema(
    methods=["PUT"],
    request=HealthSettingsSerializer,
    responses={200: HealthSettingsSerializer},
    operation_id="health_settings_update",
)
@api_view(["GET", "PUT"])
def health_settings(request):
    """The health signals' weights and the bands. Everyone reads; admins write (403)."""
    if request.method == "PUT":
        body = HealthSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.health_settings_update(
            actor=request.user,
            healthy_from=data["healthy_from"],
            watch_from=data["watch_from"],
            weights=data["weights"],
        )
    return Response(_settings_body())
