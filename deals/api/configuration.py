"""REST API of the deal configuration: pipelines and their stages, products and lost
reasons. Everyone who runs deal management reads; admins write."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated

from deals import services
from deals.fields import (
    LOST_REASON_FIELDS,
    PIPELINE_FIELDS,
    PRODUCT_FIELDS,
    STAGE_FIELDS,
)
from deals.models import Deal, LostReason, Pipeline, Product, Stage
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
)

FORECAST_CHOICES = Deal.ForecastCategory.choices


class InUseField(serializers.BooleanField):
    """`is_active`, true unless sent: a form-encoded body that leaves it out means true
    (DRF's checkbox rule would read a missing field as false)."""

    default_empty_html = serializers.empty

    def __init__(self, **kwargs):
        kwargs.setdefault("default", True)
        kwargs.setdefault("help_text", "In use; deactivate instead of deleting.")
        super().__init__(**kwargs)


# ---------------------------------------------------------------- configuration


class StageSerializer(serializers.ModelSerializer):
    exit_criteria = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        help_text="Checklist a deal must meet before it moves past this stage.",
    )
    default_forecast_category = serializers.ChoiceField(
        choices=FORECAST_CHOICES,
        required=False,
        allow_blank=True,
        help_text="The forecast category a deal gets on entering this stage (blank: unchanged).",
    )
    kind = serializers.ChoiceField(choices=Stage.Kind.choices, required=False, read_only=False)

    class Meta:
        model = Stage
        fields = ["id", *STAGE_FIELDS, "kind"]
        extra_kwargs = {"order": {"required": False}, "probability": {"required": False}}


class PipelineSerializer(serializers.ModelSerializer):
    is_active = InUseField()
    stages = StageSerializer(
        many=True,
        required=False,
        help_text="On create: the stages in order (a won and a lost stage are added when "
        "missing). Read-only afterwards: edit them at /pipelines/{id}/stages/.",
    )

    class Meta:
        model = Pipeline
        fields = ["id", *PIPELINE_FIELDS, "stages"]

    def validate(self, attrs):
        if self.instance is not None and "stages" in attrs:
            raise DRFValidationError(
                {"stages": "Edit the stages at /api/v1/pipelines/{id}/stages/."}
            )
        return attrs


class ProductSerializer(serializers.ModelSerializer):
    is_active = InUseField()

    class Meta:
        model = Product
        fields = ["id", *PRODUCT_FIELDS]


class LostReasonSerializer(serializers.ModelSerializer):
    is_active = InUseField()

    class Meta:
        model = LostReason
        fields = ["id", *LOST_REASON_FIELDS]


class _ConfigViewSet(viewsets.ModelViewSet):
    """Everyone who runs deal management reads; admins write."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]


class PipelineViewSet(_ConfigViewSet):
    """Pipelines with their stages in order."""

    serializer_class = PipelineSerializer
    pagination_class = None
    filterset_fields = ["is_active", "is_default"]
    search_fields = ["name"]
    ordering_fields = ["order", "name"]

    def get_queryset(self):
        return Pipeline.objects.prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order", "id"))
        ).order_by("order", "name")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.pipeline_create(
            actor=self.request.user,
            name=data["name"],
            is_default=data.get("is_default", False),
            is_active=data.get("is_active", True),
            order=data.get("order", 0),
            stages=[dict(s) for s in data.get("stages", [])],
        )

    def perform_update(self, serializer):
        serializer.instance = services.pipeline_update(
            actor=self.request.user,
            pipeline=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.pipeline_delete(actor=self.request.user, pipeline=instance)


class StageViewSet(_ConfigViewSet):
    """The stages of one pipeline. New stages are open; each pipeline keeps one won and one
    lost stage."""

    serializer_class = StageSerializer
    pagination_class = None
    filter_backends = []
    queryset = Stage.objects.none()

    def get_pipeline(self):
        if not hasattr(self, "_pipeline"):
            self._pipeline = get_visible_or_404_config(Pipeline, self.kwargs["pipeline_pk"])
        return self._pipeline

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Stage.objects.none()
        return self.get_pipeline().stages.order_by("order", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.stage_create(
            actor=self.request.user,
            pipeline=self.get_pipeline(),
            name=data.get("name", ""),
            kind=data.get("kind", Stage.Kind.OPEN),
            order=data.get("order"),
            probability=data.get("probability", 10),
            stalled_after_days=data.get("stalled_after_days"),
            exit_criteria=data.get("exit_criteria", []),
            default_forecast_category=data.get("default_forecast_category", ""),
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "kind" in data and data["kind"] != serializer.instance.kind:
            raise DRFValidationError({"kind": "A stage's kind cannot change."})
        data.pop("kind", None)
        serializer.instance = services.stage_update(
            actor=self.request.user, stage=serializer.instance, data=data
        )

    def perform_destroy(self, instance):
        services.stage_delete(actor=self.request.user, stage=instance)


def get_visible_or_404_config(model, pk):
    """Configuration is visible to everyone who runs the process: a plain lookup."""
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404


class ProductViewSet(_ConfigViewSet):
    """The product catalogue. Deactivate a product rather than delete one that was sold."""

    serializer_class = ProductSerializer
    filterset_fields = ["is_active"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "unit_price"]
    ordering = ["name"]

    def get_queryset(self):
        return Product.objects.order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.product_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.product_update(
            actor=self.request.user, product=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.product_delete(actor=self.request.user, product=instance)


class LostReasonViewSet(_ConfigViewSet):
    """Why deals are lost. Admins keep the list; retire a reason by deactivating it."""

    serializer_class = LostReasonSerializer
    pagination_class = None
    filterset_fields = ["is_active"]
    search_fields = ["name"]
    ordering_fields = ["name"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return LostReason.objects.order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.lost_reason_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.lost_reason_update(
            actor=self.request.user, reason=serializer.instance, data=serializer.validated_data
        )


PIPELINE_PK = OpenApiParameter("pipeline_pk", OpenApiTypes.INT, OpenApiParameter.PATH)

StageViewSet = extend_schema(parameters=[PIPELINE_PK])(StageViewSet)
