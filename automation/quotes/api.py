"""REST API of quotes: /api/v1/quotes/ with the POST actions send, revise,
request-approval, approve and reject, and GET pdf/ (application/pdf)."""

from decimal import Decimal

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from automation.emails.models import EmailTemplate
from deals.models import Deal
from salesproc.api_support import RunsProcess, VisiblePrimaryKeyRelatedField

from . import selectors, services
from .models import Quote, QuoteLine, TermsTemplate
from .pdf import render_quote_pdf


class QuoteLineSerializer(serializers.ModelSerializer):
    discount_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        default=Decimal("0"),
    )
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))

    class Meta:
        model = QuoteLine
        fields = ["description", "quantity", "unit_price", "discount_percent", "total"]
        read_only_fields = ["total"]


MONEY = {"max_digits": 14, "decimal_places": 2}


class QuoteSerializer(serializers.ModelSerializer):
    deal = VisiblePrimaryKeyRelatedField(queryset=Deal.objects.all())
    deal_name = serializers.CharField(source="deal.name", read_only=True)
    lines = QuoteLineSerializer(many=True, required=False)
    terms_template = serializers.PrimaryKeyRelatedField(
        queryset=TermsTemplate.objects.filter(is_active=True), required=False, allow_null=True
    )
    cover_template = VisiblePrimaryKeyRelatedField(
        queryset=EmailTemplate.objects.all(),
        write_only=True,
        required=False,
        help_text="Optional: an email template (shared or yours) whose text, filled in for "
        "the deal, replaces cover_letter.",
    )
    approval_state = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    expected_total = serializers.DecimalField(
        **MONEY,
        write_only=True,
        required=False,
        help_text="Optional: the total you computed; refused (400) when the lines give another.",
    )

    class Meta:
        model = Quote
        fields = [
            "id",
            "deal",
            "deal_name",
            "number",
            "version",
            "is_latest",
            "status",
            "title",
            "currency",
            "discount_percent",
            "tax_rate",
            "valid_until",
            "terms_template",
            "terms",
            "cover_letter",
            "cover_template",
            "lines",
            "list_total",
            "subtotal",
            "discount_amount",
            "net_total",
            "tax_amount",
            "total",
            "expected_total",
            "approval",
            "approval_state",
            "approval_note",
            "sent_at",
            "sent_to",
            "accepted_name",
            "decided_at",
            "decline_reason",
            "public_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "version",
            "is_latest",
            "status",
            "list_total",
            "subtotal",
            "discount_amount",
            "net_total",
            "tax_amount",
            "total",
            "approval",
            "approval_note",
            "sent_at",
            "sent_to",
            "accepted_name",
            "decided_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"valid_until": {"required": False}}

    def get_approval_state(self, quote) -> str:
        return services.approval_state(quote)

    def get_public_url(self, quote) -> str:
        return services.public_url(quote) if quote.token and quote.is_latest else ""


class QuoteUpdateSerializer(QuoteSerializer):
    deal = serializers.PrimaryKeyRelatedField(read_only=True)


class QuoteSendSerializer(serializers.Serializer):
    to = serializers.EmailField(required=False, help_text="Defaults to the deal's primary contact.")
    message = serializers.CharField(required=False, allow_blank=True, default="")


class QuoteDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class QuoteFilter(django_filters.FilterSet):
    class Meta:
        model = Quote
        fields = ["deal", "status", "approval", "is_latest", "number"]


class QuoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Quotes on the deals you can see. POST creates a draft from the deal (its line items
    copied; then PATCH the draft); sent quotes change only through the actions."""

    process = "automation"
    permission_classes = [IsAuthenticated, RunsProcess]
    filterset_class = QuoteFilter
    search_fields = ["number", "deal__name", "deal__account__name"]
    ordering_fields = ["created_at", "total", "valid_until", "number"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return (
            Quote.objects.visible_to(self.request.user)
            .with_list_data()
            .prefetch_related("lines")
            .order_by("-created_at", "-id")
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return QuoteUpdateSerializer
        return QuoteSerializer

    def get_object(self):
        quote = selectors.get_quote_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, quote)
        return quote

    def _respond(self, quote, code=status.HTTP_200_OK):
        return Response(
            QuoteSerializer(
                self.get_queryset().get(pk=quote.pk), context={"request": self.request}
            ).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        body = QuoteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        deal = data.pop("deal")
        lines = data.pop("lines", None)
        expected = data.pop("expected_total", None)
        quote = services.quote_create(actor=request.user, deal=deal)
        if data or lines is not None or expected is not None:
            quote = services.quote_update(
                actor=request.user,
                quote=quote,
                data=data,
                lines=lines,
                expected={"total": expected} if expected is not None else None,
            )
        return self._respond(quote, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        quote = self.get_object()
        body = QuoteUpdateSerializer(
            quote, data=request.data, partial=partial, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        lines = data.pop("lines", None)
        expected = data.pop("expected_total", None)
        quote = services.quote_update(
            actor=request.user,
            quote=quote,
            data=data,
            lines=lines,
            expected={"total": expected} if expected is not None else None,
        )
        return self._respond(quote)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The quote as PDF."""
        quote = self.get_object()
        response = HttpResponse(render_quote_pdf(quote), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{quote.number}-v{quote.version}.pdf"'
        return response

    @extend_schema(request=QuoteSendSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the draft: email with the PDF, the public link opens (400 if approval is
        needed and not given, or the totals don't add up)."""
        quote = self.get_object()
        body = QuoteSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = services.quote_send(
            actor=request.user,
            quote=quote,
            to=body.validated_data.get("to", ""),
            message=body.validated_data["message"],
        )
        return self._respond(quote)

    @extend_schema(request=None, responses={201: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A new version (draft) of a sent, declined or expired quote; the old one stays."""
        quote = services.quote_revise(actor=request.user, quote=self.get_object())
        return self._respond(quote, status.HTTP_201_CREATED)

    def _decision(self, request, run):
        quote = self.get_object()
        body = QuoteDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(run(actor=request.user, quote=quote, note=body.validated_data["note"]))

    @extend_schema(request=QuoteDecisionSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request, pk=None):
        """Ask the manager to approve a discount above the threshold."""
        return self._decision(request, services.quote_request_approval)

    @extend_schema(
        request=QuoteDecisionSerializer,
        responses={200: QuoteSerializer, 403: OpenApiResponse(description="Not the approver.")},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The deal owner's manager (or an admin) approves the pending discount."""
        return self._decision(request, services.quote_approve)

    @extend_schema(request=QuoteDecisionSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The manager rejects the pending discount; a note saying why is required."""
        return self._decision(request, services.quote_reject)


def register(router):
    router.register("quotes", QuoteViewSet, basename="quote")


extra_urls = []
