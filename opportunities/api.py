"""REST API of opportunity management: plans and their parts, the catalogues, win/loss
reviews and the what-works report. Writes go through the services."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Contact
from deals.models import Deal
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)
from salesproc.models import Team

from . import analysis, services
from .models import (
    Competitor,
    DealCompetitor,
    OpportunityPlan,
    PlanActionItem,
    Stakeholder,
    WinLossReason,
    WinLossReview,
    WinStrategy,
)


class _ProcessViewSet(viewsets.GenericViewSet):
    process = "opportunities"
    permission_classes = [IsAuthenticated, RunsProcess]

    def _deal_filter(self, qs):
        deal = self.request.query_params.get("deal")
        if deal:
            if not str(deal).isdigit():
                raise DRFValidationError({"deal": "A deal id is a number."})
            qs = qs.filter(deal_id=int(deal))
        return qs


@extend_schema_field(OpenApiTypes.STR)
class OutcomeField(serializers.ChoiceField):
    """ "won" or "lost" (a plain string in the schema: the leads import already names an
    "outcome" enum with other values)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "won or lost")
        super().__init__(choices=WinLossReason.Outcome.choices, **kwargs)


class AccountContactField(serializers.PrimaryKeyRelatedField):
    """A contact the caller may see, or one of an account whose deals they may see; the
    service says when it is not a contact of this deal's account."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Contact.objects.none()
        accounts = Deal.objects.visible_to(request.user).values("account_id")
        return Contact.objects.filter(
            Q(account_id__in=accounts)
            | Q(pk__in=Contact.objects.visible_to(request.user).values("pk"))
        )


# ---------------------------------------------------------------- plans


class OpportunityPlanSerializer(serializers.ModelSerializer):
    deal = VisiblePrimaryKeyRelatedField(queryset=Deal.objects.all())
    version = serializers.IntegerField(
        required=False, help_text="The version you read; required on update (stale: 409)."
    )
    completeness = serializers.IntegerField(read_only=True, help_text="0–100.")
    missing = serializers.ListField(child=serializers.CharField(), read_only=True)
    prompts = serializers.SerializerMethodField()
    strategy = serializers.PrimaryKeyRelatedField(
        queryset=WinStrategy.objects.all(), allow_null=True, required=False
    )
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)

    class Meta:
        model = OpportunityPlan
        fields = [
            "id",
            "deal",
            "version",
            "completeness",
            "missing",
            "prompts",
            "problem",
            "impact",
            "impact_amount",
            "desired_outcome",
            "decision_process",
            "decision_date",
            "strategy",
            "strategy_notes",
            "answers",
            "created_at",
            "touched_at",
        ]
        read_only_fields = ["created_at", "touched_at"]

    def get_prompts(self, plan) -> list[dict]:
        return plan.prompt_version.prompts

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("deal", None)
            if "version" not in attrs:
                raise DRFValidationError({"version": "Send the version you read."})
        return attrs


class OpportunityPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    _ProcessViewSet,
):
    """One plan per deal, visible exactly when the deal is. `?deal=` finds a deal's plan."""

    serializer_class = OpportunityPlanSerializer

    def get_queryset(self):
        qs = OpportunityPlan.objects.visible_to(self.request.user).select_related("prompt_version")
        return self._deal_filter(qs).order_by("id")

    @extend_schema(parameters=[OpenApiParameter("deal", OpenApiTypes.INT)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(
            actor=self.request.user, deal=serializer.validated_data["deal"]
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        serializer.instance = services.plan_update(
            actor=self.request.user,
            plan=serializer.instance,
            fields=services.PlanFields.of(serializer.instance, **data),
            version=version,
        )


class StakeholderSerializer(serializers.ModelSerializer):
    deal = VisiblePrimaryKeyRelatedField(queryset=Deal.objects.all())
    contact = AccountContactField()
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "deal",
            "contact",
            "contact_name",
            "buying_role",
            "stance",
            "influence",
            "cares_about",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("deal", "contact"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise DRFValidationError({name: "Remove the stakeholder and add another."})
        return attrs


class StakeholderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _ProcessViewSet,
):
    serializer_class = StakeholderSerializer

    def get_queryset(self):
        qs = Stakeholder.objects.visible_to(self.request.user).select_related("contact")
        return self._deal_filter(qs).order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.stakeholder_add(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        item, data = serializer.instance, serializer.validated_data
        serializer.instance = services.stakeholder_update(
            actor=self.request.user,
            stakeholder=item,
            buying_role=data.get("buying_role", item.buying_role),
            stance=data.get("stance", item.stance),
            influence=data.get("influence", item.influence),
            cares_about=data.get("cares_about", item.cares_about),
        )

    def perform_destroy(self, instance):
        services.stakeholder_remove(actor=self.request.user, stakeholder=instance)


class DealCompetitorSerializer(serializers.ModelSerializer):
    deal = VisiblePrimaryKeyRelatedField(queryset=Deal.objects.all())
    competitor_name = serializers.CharField(source="competitor.name", read_only=True)

    class Meta:
        model = DealCompetitor
        fields = [
            "id",
            "deal",
            "competitor",
            "competitor_name",
            "status",
            "strengths",
            "weaknesses",
            "positioning",
        ]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("deal", "competitor"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise DRFValidationError({name: "Remove this competitor and add another."})
        return attrs


class DealCompetitorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _ProcessViewSet,
):
    serializer_class = DealCompetitorSerializer

    def get_queryset(self):
        qs = DealCompetitor.objects.visible_to(self.request.user).select_related("competitor")
        return self._deal_filter(qs).order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.deal_competitor_add(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        item, data = serializer.instance, serializer.validated_data
        serializer.instance = services.deal_competitor_update(
            actor=self.request.user,
            deal_competitor=item,
            status=data.get("status", item.status),
            strengths=data.get("strengths", item.strengths),
            weaknesses=data.get("weaknesses", item.weaknesses),
            positioning=data.get("positioning", item.positioning),
        )

    def perform_destroy(self, instance):
        services.deal_competitor_remove(actor=self.request.user, deal_competitor=instance)


class PlanActionItemSerializer(serializers.ModelSerializer):
    deal = VisiblePrimaryKeyRelatedField(queryset=Deal.objects.all())
    owner = VisibleUserField(required=False)
    done = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = PlanActionItem
        fields = ["id", "deal", "text", "owner", "due_date", "done", "done_at"]
        read_only_fields = ["done_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["done"] = instance.is_done
        return data


class PlanActionItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _ProcessViewSet,
):
    serializer_class = PlanActionItemSerializer

    def get_queryset(self):
        qs = PlanActionItem.objects.visible_to(self.request.user).select_related("owner")
        return self._deal_filter(qs).order_by("id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("done", None)
        serializer.instance = services.action_item_add(actor=self.request.user, **data)

    def perform_update(self, serializer):
        item, data = serializer.instance, serializer.validated_data
        serializer.instance = services.action_item_update(
            actor=self.request.user,
            item=item,
            text=data.get("text", item.text),
            owner=data.get("owner", item.owner),
            due_date=data.get("due_date", item.due_date),
            done=data.get("done", item.is_done) if "done" in self.request.data else item.is_done,
        )

    def perform_destroy(self, instance):
        services.action_item_remove(actor=self.request.user, item=instance)


# ---------------------------------------------------------------- catalogues


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


# ---------------------------------------------------------------- reviews


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
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, _ProcessViewSet
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


# ---------------------------------------------------------------- what works


class WhatWorksParams(serializers.Serializer):
    """Query parameters: dates default to the last 12 months."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    owner = VisibleUserField(required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    group_by = serializers.ChoiceField(choices=list(analysis.GROUP_BY), default="strategy")


def parse_what_works(request, params):
    """from/to/owner/team/group_by, checked; a team outside the caller's scope is refused."""
    data = {k: v for k, v in params.items() if v not in ("", None)}
    for outer, inner in (("from", "start"), ("to", "end")):
        if outer in data:
            data[inner] = data.pop(outer)
    serializer = WhatWorksParams(data=data, context={"request": request})
    if not serializer.is_valid():
        errors = dict(serializer.errors)
        for outer, inner in (("from", "start"), ("to", "end")):
            if inner in errors:
                errors[outer] = errors.pop(inner)
        raise DRFValidationError(errors)
    values = serializer.validated_data
    today = timezone.localdate()
    end = values.get("end") or today
    start = values.get("start") or (end - timedelta(days=365))
    if start > end:
        raise DRFValidationError({"from": ["The period starts after it ends."]})
    team = values.get("team")
    user = request.user
    if team is not None and not user.is_crm_admin and team.pk not in user.managed_team_ids:
        raise DRFValidationError({"team": ["Choose one of your teams."]})
    return {
        "start": start,
        "end": end,
        "owner": values.get("owner"),
        "team": team,
        "group_by": values["group_by"],
    }


def report_payload(report):
    def group(g):
        return {
            "key": g.key,
            "label": g.label,
            "deals": g.deals,
            "won": g.won,
            "win_rate": _round(g.win_rate),
            "interval": _pair(g.interval),
            "cycle_days": _round(g.cycle_days, 1),
            "cycle_interval": _pair(g.cycle_interval, 1),
            "average_won_amount": _round(g.average_won_amount, 2),
            "amount_interval": _pair(g.amount_interval, 2),
            "flag": g.flag,
            "small_sample": g.small_sample,
        }

    return {
        "group_by": report.group_by,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "min_sample": report.min_sample,
        "overall": group(report.overall),
        "groups": [group(g) for g in report.groups],
    }


def _round(value, digits=4):
    return None if value is None else round(float(value), digits)


def _pair(pair, digits=4):
    return None if pair is None else [_round(pair[0], digits), _round(pair[1], digits)]


class WhatWorksViewSet(viewsets.ViewSet):
    """GET /api/v1/reports/what-works/: win rate with its 95% Wilson interval per group."""

    process = "opportunities"
    permission_classes = [IsAuthenticated, RunsProcess]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("owner", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(analysis.GROUP_BY)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        params = parse_what_works(request, request.query_params)
        report = analysis.what_works(user=request.user, **params)
        return Response(report_payload(report))


def register(router):
    router.register("opportunity-plans", OpportunityPlanViewSet, basename="opportunity-plan")
    router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
    router.register("deal-competitors", DealCompetitorViewSet, basename="deal-competitor")
    router.register("plan-action-items", PlanActionItemViewSet, basename="plan-action-item")
    router.register("competitors", CompetitorViewSet, basename="competitor")
    router.register("win-strategies", WinStrategyViewSet, basename="win-strategy")
    router.register("win-loss-reasons", WinLossReasonViewSet, basename="win-loss-reason")
    router.register("win-loss-reviews", WinLossReviewViewSet, basename="win-loss-review")
    router.register("reports/what-works", WhatWorksViewSet, basename="report-what-works")
