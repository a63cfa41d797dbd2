"""API of territory management: territories (with their rules), assignment rules with
preview/ and apply/, and the progress of a re-run."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.decorators import method_decorator
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import get_account_for_user
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)

from . import selectors, services
from .coverage import selectors as coverage_selectors
from .inputs import RULE_FIELDS, RULE_LIST_FIELDS, RuleInput, TerritoryInput
from .models import (
    AssignmentRule,
    AssignmentRun,
    CallPattern,
    PatternVisit,
    Territory,
    TerritoryPlan,
    TerritoryPlanAccount,
    TierPolicy,
)
from .patterns import selectors as pattern_selectors
from .patterns import services as pattern_services
from .plans import selectors as plan_selectors
from .plans import services as plan_services
from .potential import selectors as potential_selectors
from .potential import services as potential_services


class RuleSerializer(serializers.ModelSerializer):
    territory = VisiblePrimaryKeyRelatedField(queryset=Territory.objects.all())
    priority = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, coerce_to_string=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, coerce_to_string=False
    )
    radius_km = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, coerce_to_string=False
    )
    employees_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    employees_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    class Meta:
        model = AssignmentRule
        fields = ["id", *RULE_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        for name in RULE_LIST_FIELDS:
            fields[name] = serializers.ListField(
                child=serializers.CharField(max_length=100, allow_blank=True),
                required=False,
                max_length=200,
            )
        return fields

    def to_input(self, instance=None) -> RuleInput:
        data = self.validated_data
        values = {}
        for name in RULE_FIELDS:
            if name in data:
                values[name] = data[name]
            elif instance is not None:
                values[name] = getattr(instance, name)
        return RuleInput(**values)


class RuleChangeSerializer(RuleSerializer):
    """A proposed change: a new rule, an edit of rule `id`, or removing it (`delete`)."""

    id = serializers.IntegerField(required=False, allow_null=True)
    delete = serializers.BooleanField(required=False, default=False)

    class Meta(RuleSerializer.Meta):
        fields = ["id", *RULE_FIELDS, "delete"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = kwargs.get("data") or {}
        if isinstance(data, dict) and data.get("delete"):
            for name, field in self.fields.items():
                if name not in ("id", "delete"):
                    field.required = False


class RunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = AssignmentRun
        fields = ["id", "status", "total", "done", "percent", "moved", "summary", "created_at"]
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    from_territory = serializers.IntegerField(allow_null=True)
    from_name = serializers.CharField(allow_null=True)
    to_territory = serializers.IntegerField(allow_null=True)
    to_name = serializers.CharField(allow_null=True)
    accounts = serializers.IntegerField()
    sentence = serializers.CharField()


class TerritorySerializer(serializers.ModelSerializer):
    parent = VisiblePrimaryKeyRelatedField(
        queryset=Territory.objects.all(), required=False, allow_null=True
    )
    rep = VisibleUserField(required=False, allow_null=True)
    rules = RuleSerializer(many=True, read_only=True)
    account_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Territory
        fields = ["id", "name", "parent", "rep", "team", "rules", "account_count"]
        read_only_fields = ["team"]

    def to_input(self, instance=None) -> TerritoryInput:
        data = self.validated_data

        def value(name):
            if name in data:
                return data[name]
            return getattr(instance, name) if instance is not None else None

        return TerritoryInput(
            name=value("name") or "", parent=value("parent"), rep=value("rep"), team=value("team")
        )


@method_decorator(transaction.atomic, name="dispatch")  # for_write fetches lock rows
class TerritoryViewSet(viewsets.ModelViewSet):
    """Territories you see (a rep theirs, a manager the team's, an admin all), with rules."""

    serializer_class = TerritorySerializer
    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    def get_queryset(self):
        return (
            Territory.objects.visible_to(self.request.user)
            .select_related("rep", "team", "parent")
            .prefetch_related("rules")
            .annotate(account_count=Count("assignments"))
            .order_by("name")
        )

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        selectors.get_territory_for_user(self.request.user, self.kwargs["pk"], for_write=write)
        return self.get_queryset().get(pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = services.territory_create(
            actor=self.request.user, data=serializer.to_input()
        )

    def perform_update(self, serializer):
        serializer.instance = services.territory_update(
            actor=self.request.user,
            territory=serializer.instance,
            data=serializer.to_input(serializer.instance),
        )

    def perform_destroy(self, instance):
        services.territory_delete(actor=self.request.user, territory=instance)


@method_decorator(transaction.atomic, name="dispatch")  # for_write fetches lock rows
class RuleViewSet(viewsets.ModelViewSet):
    """Assignment rules by priority (first match wins). Creating, changing or deleting one
    re-runs the rules over every account in the background."""

    serializer_class = RuleSerializer
    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    def get_queryset(self):
        return (
            AssignmentRule.objects.visible_to(self.request.user)
            .select_related("territory")
            .order_by("priority", "id")
        )

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return selectors.get_rule_for_user(self.request.user, self.kwargs["pk"], for_write=write)

    def perform_create(self, serializer):
        serializer.instance, _run = services.rule_create(
            actor=self.request.user, data=serializer.to_input()
        )

    def perform_update(self, serializer):
        serializer.instance, _run = services.rule_update(
            actor=self.request.user,
            rule=serializer.instance,
            data=serializer.to_input(serializer.instance),
        )

    def perform_destroy(self, instance):
        services.rule_delete(actor=self.request.user, rule=instance)

    def _change(self, request, *, for_write=True):
        serializer = RuleChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rule_id = serializer.validated_data.get("id")
        rule = (
            selectors.get_rule_for_user(request.user, rule_id, for_write=for_write)
            if rule_id
            else None
        )
        delete = serializer.validated_data.get("delete", False)
        if delete and rule is None:
            raise ValidationError({"id": "Say which rule to remove."})
        data = None if delete else serializer.to_input(rule)
        return rule, data, delete

    @extend_schema(
        request=RuleChangeSerializer,
        responses=inline_serializer(
            "RulePreview",
            {"moves": MoveSerializer(many=True), "summary": serializers.CharField()},
        ),
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What a rule change would move, before it applies (nothing is saved)."""
        rule, data, delete = self._change(request, for_write=False)
        moves = services.rule_change_preview(
            actor=request.user, data=data, rule=rule, delete=delete
        )
        rows, summary = selectors.describe_moves(moves, user=request.user)
        return Response({"moves": MoveSerializer(rows, many=True).data, "summary": summary})

    @extend_schema(
        request=RuleChangeSerializer,
        responses={
            202: inline_serializer(
                "RuleApplied",
                {"rule": RuleSerializer(allow_null=True), "run": RunSerializer()},
            )
        },
    )
    @action(detail=False, methods=["post"])
    def apply(self, request):
        """Make the change and re-run the rules over every account (progress: runs/{id}/)."""
        with transaction.atomic():
            rule, data, delete = self._change(request)
            if delete:
                run = services.rule_delete(actor=request.user, rule=rule)
                rule = None
            elif rule is None:
                rule, run = services.rule_create(actor=request.user, data=data)
            else:
                rule, run = services.rule_update(actor=request.user, rule=rule, data=data)
        run.refresh_from_db()
        return Response(
            {
                "rule": RuleSerializer(rule).data if rule is not None else None,
                "run": RunSerializer(run).data,
            },
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses=RunSerializer)
    @action(detail=False, methods=["get"], url_path=r"runs/(?P<run_id>\d+)")
    def run(self, request, run_id=None):
        """Progress of a re-run of the rules."""
        return Response(RunSerializer(selectors.get_run_for_user(request.user, run_id)).data)


def register(router):
    router.register("territories", TerritoryViewSet, basename="territory")
    router.register("territory-rules", RuleViewSet, basename="territory-rule")
    register_potential(router)
    register_patterns(router)
    register_coverage(router)
    register_plans(router)


# -- potential and tiers ----------------------------------------------------------------


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


def register_potential(router):
    router.register(
        r"accounts/(?P<account_id>\d+)/potential", PotentialViewSet, basename="account-potential"
    )
    router.register("tier-policies", TierPolicyViewSet, basename="tier-policy")


# -- call patterns --------------------------------------------------------------------


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


def register_patterns(router):
    router.register("call-patterns", CallPatternViewSet, basename="call-pattern")


# -- coverage and balance --------------------------------------------------------------


class CoverageTierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    window_days = serializers.IntegerField()
    accounts = serializers.IntegerField()
    visited = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    potential_covered = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )


class OverdueSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    tier = serializers.CharField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    days_overdue = serializers.IntegerField(allow_null=True)
    last_visit = serializers.DateTimeField(source="last_held", allow_null=True)


class CoverageSerializer(serializers.Serializer):
    territories = serializers.ListField(child=serializers.IntegerField())
    tiers = CoverageTierSerializer(many=True)
    overdue = OverdueSerializer(many=True)
    overdue_count = serializers.IntegerField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    potential_covered = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False
    )
    potential_percent = serializers.IntegerField(allow_null=True)


class CoverageViewSet(viewsets.ViewSet):
    """GET /reports/coverage/?territory=&rep=: accounts per tier visited within their
    policy window, overdue accounts (days overdue), potential covered."""

    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    @extend_schema(
        parameters=[
            OpenApiParameter("territory", int, required=False),
            OpenApiParameter("rep", int, required=False),
        ],
        responses=CoverageSerializer,
    )
    def list(self, request):
        territories = coverage_selectors.coverage_scope(
            user=request.user,
            territory_id=request.query_params.get("territory"),
            rep_id=request.query_params.get("rep"),
        )
        report = coverage_selectors.coverage(user=request.user, territories=territories)
        report["territories"] = [t.pk for t in territories]
        return Response(CoverageSerializer(report).data)


class BalanceRowSerializer(serializers.Serializer):
    territory = serializers.IntegerField(source="territory.pk")
    name = serializers.CharField(source="territory.name")
    rep = serializers.IntegerField(source="territory.rep_id")
    accounts = serializers.IntegerField()
    potential = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)
    required = serializers.IntegerField(help_text="Visits the tier policies require per 4 weeks.")
    capacity = serializers.IntegerField(allow_null=True)
    load_percent = serializers.IntegerField(allow_null=True)
    overloaded = serializers.BooleanField()


class BalanceViewSet(viewsets.ViewSet):
    """GET /reports/territory-balance/: territories side by side (managers and admins)."""

    permission_classes = [IsAuthenticated, RunsProcess]
    process = "territories"

    @extend_schema(responses=BalanceRowSerializer(many=True))
    def list(self, request):
        if not (request.user.is_manager or request.user.is_crm_admin):
            raise PermissionDenied("Territory balance is for managers and admins.")
        rows = coverage_selectors.territory_balance(user=request.user)
        return Response(BalanceRowSerializer(rows, many=True).data)


def register_coverage(router):
    router.register("reports/coverage", CoverageViewSet, basename="report-coverage")
    router.register("reports/territory-balance", BalanceViewSet, basename="report-balance")


# -- territory plans ---------------------------------------------------------------------


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


def register_plans(router):
    router.register("territory-plans", TerritoryPlanViewSet, basename="territory-plan")
