"""REST API of deals and their line items: list, create, edit and delete, the POST
actions move, win, lose and reopen, and /deals/{id}/line-items/."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Account, Contact
from deals import selectors, services
from deals.exports import DEAL_COLUMNS
from deals.fields import (
    LINE_ITEM_FIELDS,
)
from deals.models import Deal, LineItem, Pipeline, Product, Stage, StageChange
from salesproc.api_csv import CSVExportMixin
from salesproc.api_support import (
    RunsProcess,
    VisibleModelChoiceFilter,
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)

# ---------------------------------------------------------------- deals


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage_name = serializers.CharField(source="from_stage.name", read_only=True, default=None)
    to_stage_name = serializers.CharField(source="to_stage.name", read_only=True)
    changed_by_name = serializers.CharField(
        source="changed_by.display_name", read_only=True, default=None
    )

    class Meta:
        model = StageChange
        fields = [
            "from_stage",
            "from_stage_name",
            "to_stage",
            "to_stage_name",
            "changed_by",
            "changed_by_name",
            "changed_at",
            "exit_criteria_confirmed",
        ]


class LineItemSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    product_name = serializers.CharField(source="product.name", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="Defaults to the product's list price.",
    )
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    deal_amount = serializers.DecimalField(
        source="deal.amount", max_digits=14, decimal_places=2, read_only=True
    )
    deal_version = serializers.IntegerField(source="deal.version", read_only=True)

    class Meta:
        model = LineItem
        fields = [
            "id",
            "product",
            "product_name",
            "product_code",
            *LINE_ITEM_FIELDS,
            "total",
            "deal_amount",
            "deal_version",
        ]
        extra_kwargs = {"quantity": {"required": False}, "discount_percent": {"required": False}}

    def validate(self, attrs):
        if self.instance is not None and "product" in attrs:
            if attrs["product"].pk != self.instance.product_id:
                raise DRFValidationError(
                    {"product": "Remove this line and add one for the other product."}
                )
            attrs.pop("product")
        return attrs


class ContactIdsField(serializers.ManyRelatedField):
    """The deal's contacts as ids: from `contact_ids` when the list attached them
    (selectors.attach_contact_ids), otherwise through the relation. Written as ids."""

    def get_attribute(self, instance):
        ids = getattr(instance, "contact_ids", None)
        return ids if ids is not None else super().get_attribute(instance)

    def to_representation(self, iterable):
        if isinstance(iterable, list):  # the attached ids (the relation gives a queryset)
            return iterable
        return super().to_representation(iterable)


class DealSerializer(serializers.ModelSerializer):
    account = VisiblePrimaryKeyRelatedField(queryset=Account.objects.all())
    account_name = serializers.CharField(source="account.name", read_only=True)
    primary_contact = VisiblePrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    contacts = ContactIdsField(
        child_relation=VisiblePrimaryKeyRelatedField(queryset=Contact.objects.all()),
        required=False,
    )
    owner = VisibleUserField(required=False)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.filter(is_active=True),
        required=False,
        help_text="Defaults to the default pipeline. Fixed after creation.",
    )
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(),
        required=False,
        help_text="Open stage to start in (defaults to the first). Change it with POST .../move/.",
    )
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    probability = serializers.IntegerField(source="stage.probability", read_only=True)
    weighted_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    lost_reason_name = serializers.CharField(
        source="lost_reason.name", read_only=True, default=None
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Required on PUT and PATCH: the version you edited. A stale version gives 409.",
    )

    class Meta:
        model = Deal
        fields = [
            "id",
            "name",
            "account",
            "account_name",
            "primary_contact",
            "contacts",
            "owner",
            "owner_name",
            "pipeline",
            "stage",
            "stage_name",
            "probability",
            "deal_type",
            "amount",
            "weighted_amount",
            "currency",
            "expected_close_date",
            "forecast_category",
            "status",
            "lost_reason",
            "lost_reason_name",
            "lost_reason_detail",
            "closed_at",
            "stage_entered_at",
            "source_lead_id",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "lost_reason",
            "lost_reason_detail",
            "closed_at",
            "stage_entered_at",
            "source_lead_id",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        if self.instance is None:
            attrs.pop("version", None)
            return attrs
        if "version" not in attrs:
            raise DRFValidationError(
                {
                    "version": [
                        "Send the version you edited (this deal is at version "
                        f"{self.instance.version})."
                    ]
                }
            )
        for field, hint in (("pipeline", "is fixed"), ("stage", "changes with POST .../move/")):
            value = attrs.pop(field, None)
            if value is not None and value.pk != getattr(self.instance, f"{field}_id"):
                raise DRFValidationError({field: [f"The {field} {hint}."]})
        return attrs


class DealDetailSerializer(DealSerializer):
    stage_history = StageChangeSerializer(many=True, read_only=True)
    line_items = LineItemSerializer(many=True, read_only=True)

    class Meta(DealSerializer.Meta):
        fields = [*DealSerializer.Meta.fields, "stage_history", "line_items"]


class MoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
    exit_criteria_confirmed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="The exit criteria of the current stage, each confirmed (needed to move "
        "forward or to win). Compared with the stage's list ignoring case and spacing.",
    )
    version = serializers.IntegerField(
        required=False, help_text="Optional: refuse the move (409) if the deal changed since."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only when moving to the lost stage: as in POST .../lose/.",
    )
    detail = serializers.CharField(required=False, allow_blank=True)


class WinSerializer(serializers.Serializer):
    exit_criteria_confirmed = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    version = serializers.IntegerField(required=False)


class LoseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="Required. The id or the name of a lost reason (GET /api/v1/lost-reasons/); "
        "any other text is kept as the free-text reason."
    )
    detail = serializers.CharField(
        required=False, allow_blank=True, help_text="More about why, in the rep's words."
    )
    version = serializers.IntegerField(required=False)


class ReopenSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(),
        required=False,
        help_text="Open stage to reopen in; defaults to the stage the deal was closed from.",
    )
    version = serializers.IntegerField(required=False)


class DealFilter(django_filters.FilterSet):
    account = VisibleModelChoiceFilter()
    expected_close_after = django_filters.DateFilter(
        field_name="expected_close_date", lookup_expr="gte", label="Expected close on or after"
    )
    expected_close_before = django_filters.DateFilter(
        field_name="expected_close_date", lookup_expr="lte", label="Expected close on or before"
    )

    class Meta:
        model = Deal
        fields = [
            "owner",
            "stage",
            "pipeline",
            "status",
            "forecast_category",
            "deal_type",
            "account",
        ]


DEAL_EXAMPLE_409 = OpenApiResponse(description="The version sent is stale (someone saved since).")
DEAL_MOVE_400 = OpenApiResponse(
    description=(
        "Refused, nothing changed. `exit_criteria_confirmed`: the current stage has exit "
        "criteria and not each was confirmed (the message lists the missing ones); `stage`: "
        "a stage of another pipeline, or a gate of another process refused a forward move "
        "(an opportunity plan not complete); `reason`: a move to the lost stage without a "
        "lost reason; `non_field_errors`: the deal is closed (reopen it first)."
    ),
    examples=[
        OpenApiExample(
            "Exit criteria not confirmed",
            value={
                "exit_criteria_confirmed": [
                    "Before the deal leaves Discovery, confirm each exit criterion: "
                    "Budget confirmed; Decision maker met."
                ]
            },
            response_only=True,
            status_codes=["400"],
        )
    ],
)


@extend_schema_view(
    update=extend_schema(responses={200: DealDetailSerializer, 409: DEAL_EXAMPLE_409}),
    partial_update=extend_schema(responses={200: DealDetailSerializer, 409: DEAL_EXAMPLE_409}),
    create=extend_schema(responses={201: DealDetailSerializer}),
    retrieve=extend_schema(responses={200: DealDetailSerializer}),
)
class DealViewSet(CSVExportMixin, viewsets.ModelViewSet):
    """Deals: the pipeline record. Visible: your own (rep), your team's (manager), all (admin).

    Stage and status change only through the POST actions move, win, lose and reopen.
    """

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]
    filterset_class = DealFilter
    search_fields = ["name", "account__name"]
    ordering_fields = [
        "name",
        "amount",
        "expected_close_date",
        "created_at",
        "updated_at",
        "stage_entered_at",
        "closed_at",
    ]
    ordering = ["expected_close_date", "id"]
    csv_columns = DEAL_COLUMNS
    csv_filename = "deals"

    def get_serializer_class(self):
        if self.action == "list":
            return DealSerializer
        return DealDetailSerializer

    def get_queryset(self):
        qs = (
            Deal.objects.visible_to(self.request.user)
            .with_weighted_amount()
            .select_related("lost_reason")
        )
        if self.action == "list":
            # What a row names (the pipeline and primary contact go out as ids only):
            # fewer joined columns to compile, read and build for every row. The
            # contacts' ids come for the page's rows (paginate_queryset).
            qs = qs.select_related("account", "owner", "stage")
        else:
            qs = qs.with_list_data().prefetch_related(
                Prefetch("contacts", queryset=Contact.objects.only("id")),
                Prefetch(
                    "stage_history",
                    queryset=StageChange.objects.select_related(
                        "from_stage", "to_stage", "changed_by"
                    ),
                ),
                Prefetch(
                    "line_items",
                    queryset=LineItem.objects.select_related("product", "deal"),
                ),
            )
        return qs.order_by("expected_close_date", "id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            selectors.attach_contact_ids(page)
        return page

    def filter_queryset(self, queryset):
        """The usual filters, then the registered list fields (another app's columns, such
        as `?plan=complete` and `?ordering=-plan`); an unknown value of one is a 400."""
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        errors = selectors.unknown_list_field_values(user=self.request.user, params=params)
        if errors:
            raise DRFValidationError(errors)
        queryset, field_order = selectors.apply_list_fields(
            queryset,
            user=self.request.user,
            ordering=params.get("ordering", ""),
            field_filters=params,
        )
        if field_order is not None:
            queryset = queryset.order_by(field_order, "id")
        return queryset

    def get_object(self):
        """The deal through its one access function (404 when not visible)."""
        deal = selectors.get_deal_for_user(self.request.user, self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, deal)
        return deal

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def _fresh(self, deal):
        return self.get_queryset().get(pk=deal.pk)

    def _respond(self, deal, code=status.HTTP_200_OK):
        return Response(DealDetailSerializer(self._fresh(deal)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        deal = services.deal_create(actor=request.user, **data)
        return self._respond(deal, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        deal = services.deal_update(actor=request.user, deal=instance, version=version, data=data)
        return self._respond(deal)

    def perform_destroy(self, instance):
        services.deal_delete(actor=self.request.user, deal=instance)

    @extend_schema(
        summary="Move a deal to another stage",
        description=(
            "Move the deal to another stage of its pipeline. Leaving a stage with exit "
            "criteria needs each of them in `exit_criteria_confirmed` (400 otherwise); a move "
            "to the won or lost stage works as `win/` or `lose/` (a lost move needs `reason`). "
            "Send `version` to refuse the move (409) when the deal changed since you read it."
        ),
        request=MoveSerializer,
        responses={200: DealDetailSerializer, 400: DEAL_MOVE_400, 409: DEAL_EXAMPLE_409},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the deal to another stage of its pipeline (won/lost stages: as win/lose)."""
        deal = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        deal = services.deal_move_stage(
            actor=request.user,
            deal=deal,
            stage=data["stage"],
            exit_criteria_confirmed=data["exit_criteria_confirmed"],
            version=data.get("version"),
            lost_reason_text=data.get("reason") or "",
            lost_reason_detail=data.get("detail") or "",
        )
        return self._respond(deal)

    @extend_schema(
        request=WinSerializer, responses={200: DealDetailSerializer, 409: DEAL_EXAMPLE_409}
    )
    @action(detail=True, methods=["post"])
    def win(self, request, pk=None):
        """Close the deal as won (the current stage's exit criteria must be confirmed)."""
        deal = self.get_object()
        body = WinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_win(
            actor=request.user,
            deal=deal,
            exit_criteria_confirmed=body.validated_data["exit_criteria_confirmed"],
            version=body.validated_data.get("version"),
        )
        return self._respond(deal)

    @extend_schema(
        request=LoseSerializer, responses={200: DealDetailSerializer, 409: DEAL_EXAMPLE_409}
    )
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        """Close the deal as lost. `reason` is required (400 without one)."""
        deal = self.get_object()
        body = LoseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_lose(
            actor=request.user,
            deal=deal,
            reason_text=body.validated_data["reason"],
            detail=body.validated_data.get("detail") or "",
            version=body.validated_data.get("version"),
        )
        return self._respond(deal)

    @extend_schema(
        request=ReopenSerializer, responses={200: DealDetailSerializer, 409: DEAL_EXAMPLE_409}
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Open a won or lost deal again."""
        deal = self.get_object()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deal = services.deal_reopen(
            actor=request.user,
            deal=deal,
            stage=body.validated_data.get("stage"),
            version=body.validated_data.get("version"),
        )
        return self._respond(deal)


DEAL_PK = OpenApiParameter("deal_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(parameters=[DEAL_PK])
class LineItemViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A deal's line items. When a deal has any, its amount is their total."""

    process = "deals"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = LineItemSerializer
    pagination_class = None
    filter_backends = []
    queryset = LineItem.objects.none()

    def get_deal(self):
        if not hasattr(self, "_deal"):
            self._deal = selectors.get_deal_for_user(self.request.user, self.kwargs["deal_pk"])
        return self._deal

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LineItem.objects.none()
        return LineItem.objects.filter(deal=self.get_deal()).select_related("product", "deal")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.line_item_add(
            actor=self.request.user, deal=self.get_deal(), **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.line_item_update(
            actor=self.request.user,
            line_item=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.line_item_remove(actor=self.request.user, line_item=instance)
