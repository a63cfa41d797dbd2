"""/api/v1/account-plans/ (with submit/, approve/, request-changes/), /account-needs/,
/account-actions/, /account-risks/ and /relationship-map/. Visible exactly when the account is; writes go
through the plan services (stale `version` 409, out-of-order steps 400, not yours 403)."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Account, Contact
from salesproc.api_support import VisiblePrimaryKeyRelatedField, VisibleUserField

from . import selectors, services
from .models import AccountAction, AccountNeed, AccountPlan, AccountRisk, RelationshipEntry


class PlanRenewalSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    expected_close_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()


class PlanRevenueSerializer(serializers.Serializer):
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    won_in_period = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    retention_target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    growth_target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    against_retention = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    against_growth = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    renewals = PlanRenewalSerializer(many=True)
    whitespace = serializers.ListField(child=serializers.CharField())


class AccountPlanSerializer(serializers.ModelSerializer):
    account = VisiblePrimaryKeyRelatedField(queryset=Account.objects.all())
    revenue = serializers.SerializerMethodField(
        help_text="Won revenue within the period against the targets, the renewals in the "
        "period and the whitespace; on a single plan only (null in the list)."
    )
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    version = serializers.IntegerField(
        required=False, help_text="On PATCH: the version you edited (a stale one is 409)."
    )

    class Meta:
        model = AccountPlan
        fields = [
            "id",
            "account",
            "period",
            "status",
            "version",
            "prompts",
            "answers",
            "retention_target",
            "growth_target",
            "review_comment",
            "submitted_at",
            "approved_at",
            "approved_by",
            "approved_version",
            "created_at",
            "updated_at",
            "revenue",
        ]
        validators = []  # one period per account: the service says so, with the account's name
        read_only_fields = [
            "status",
            "prompts",
            "review_comment",
            "submitted_at",
            "approved_at",
            "approved_by",
            "approved_version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(PlanRevenueSerializer(allow_null=True))
    def get_revenue(self, plan):
        view = self.context.get("view")
        if view is not None and getattr(view, "action", None) == "list":
            return None
        return PlanRevenueSerializer(selectors.plan_revenue(plan)).data


class PlanUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    retention_target = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    growth_target = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True)


class PlanFilter(django_filters.FilterSet):
    class Meta:
        model = AccountPlan
        fields = ["account", "period", "status"]


class AccountPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Account plans, one per account and period."""

    serializer_class = AccountPlanSerializer
    filterset_class = PlanFilter
    ordering = ["account", "-period"]

    def get_queryset(self):
        return (
            AccountPlan.objects.visible_to(self.request.user)
            .select_related("account")
            .order_by("account_id", "-period", "id")
        )

    def get_object(self):
        return selectors.get_account_plan_for_user(self.request.user, self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.account_plan_create(
            actor=self.request.user, account=data["account"], period=data["period"]
        )

    @extend_schema(request=PlanUpdateSerializer, responses={200: AccountPlanSerializer})
    def partial_update(self, request, pk=None):
        plan = selectors.get_account_plan_for_user(request.user, pk, for_write=True)
        body = PlanUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        targets = "retention_target" in data or "growth_target" in data
        plan = services.account_plan_update(
            actor=request.user,
            plan=plan,
            version=data["version"],
            answers=data.get("answers"),
            retention_target=data.get("retention_target", plan.retention_target),
            growth_target=data.get("growth_target", plan.growth_target),
            targets_given=targets,
        )
        return Response(AccountPlanSerializer(plan, context={"request": request}).data)

    def _respond(self, plan):
        plan = AccountPlan.objects.get(pk=plan.pk)
        return Response(AccountPlanSerializer(plan, context={"request": self.request}).data)

    @extend_schema(request=None, responses={200: AccountPlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The account manager submits the plan for their manager's approval."""
        return self._respond(
            services.account_plan_submit(actor=request.user, plan=self.get_object())
        )

    @extend_schema(request=None, responses={200: AccountPlanSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The account manager's manager approves a submitted plan."""
        return self._respond(
            services.account_plan_approve(actor=request.user, plan=self.get_object())
        )

    @extend_schema(request=CommentSerializer, responses={200: AccountPlanSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        """The manager sends a submitted plan back with what should change."""
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.account_plan_request_changes(
            actor=request.user, plan=self.get_object(), comment=body.validated_data["comment"]
        )
        return self._respond(plan)


class _PlanItemViewSet(viewsets.ModelViewSet):
    """Shared by needs, actions and risks: `plan` on create, then PATCH and DELETE."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model = None
    input_class = None
    save = None
    getter = None
    item_kwarg = ""
    fields = []

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user).order_by("plan_id", "id")
        plan = self.request.query_params.get("plan")
        if plan:
            queryset = queryset.filter(plan_id=plan) if plan.isdigit() else queryset.none()
        return queryset

    def get_object(self):
        for_write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return type(self).getter(self.request.user, self.kwargs["pk"], for_write=for_write)

    def _input(self, data, item=None):
        values = {name: getattr(item, name) for name in self.fields} if item else {}
        values.update({k: v for k, v in data.items() if k in self.fields})
        return self.input_class(**values)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = selectors.get_account_plan_for_user(
            self.request.user, data.pop("plan").pk, for_write=True
        )
        serializer.instance = type(self).save(
            actor=self.request.user, plan=plan, data=self._input(data)
        )

    def perform_update(self, serializer):
        item = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        serializer.instance = type(self).save(
            actor=self.request.user,
            plan=item.plan,
            data=self._input(data, item),
            **{self.item_kwarg: item},
        )

    def perform_destroy(self, instance):
        services.account_plan_item_delete(actor=self.request.user, item=instance)


class PlanField(VisiblePrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=AccountPlan.objects.all(), **kwargs)


class AccountNeedSerializer(serializers.ModelSerializer):
    plan = PlanField()

    class Meta:
        model = AccountNeed
        fields = ["id", "plan", "description", "priority", "source", "source_date", "status"]


class AccountActionSerializer(serializers.ModelSerializer):
    plan = PlanField()
    owner = VisibleUserField()
    need = VisiblePrimaryKeyRelatedField(
        queryset=AccountNeed.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = AccountAction
        fields = ["id", "plan", "description", "owner", "due_date", "status", "need"]


class AccountRiskSerializer(serializers.ModelSerializer):
    plan = PlanField()
    owner = VisibleUserField(required=False, allow_null=True)

    class Meta:
        model = AccountRisk
        fields = ["id", "plan", "description", "likelihood", "impact", "mitigation", "owner"]


class AccountNeedViewSet(_PlanItemViewSet):
    """The customer's business needs and goals on a plan (?plan=)."""

    serializer_class = AccountNeedSerializer
    model = AccountNeed
    input_class = services.NeedInput
    save = staticmethod(services.account_need_save)
    getter = staticmethod(selectors.get_account_need_for_user)
    item_kwarg = "need"
    fields = ["description", "priority", "source", "source_date", "status"]


class AccountActionViewSet(_PlanItemViewSet):
    """A plan's action items (?plan=)."""

    serializer_class = AccountActionSerializer
    model = AccountAction
    input_class = services.ActionInput
    save = staticmethod(services.account_action_save)
    getter = staticmethod(selectors.get_account_action_for_user)
    item_kwarg = "action"
    fields = ["description", "owner", "due_date", "status", "need"]


class AccountRiskViewSet(_PlanItemViewSet):
    """A plan's risks (?plan=)."""

    serializer_class = AccountRiskSerializer
    model = AccountRisk
    input_class = services.RiskInput
    save = staticmethod(services.account_risk_save)
    getter = staticmethod(selectors.get_account_risk_for_user)
    item_kwarg = "risk"
    fields = ["description", "likelihood", "impact", "mitigation", "owner"]


class RelationshipEntrySerializer(serializers.ModelSerializer):
    plan = PlanField()
    # a contact of the plan's account (the service checks), which the account manager
    # may pick even when someone else owns it
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    counterpart = VisibleUserField(required=False, allow_null=True)
    strength = serializers.IntegerField(required=False, help_text="1 to 5.")
    last_engagement = serializers.SerializerMethodField(
        help_text="When the contact's last held call ended (read from calls)."
    )

    class Meta:
        model = RelationshipEntry
        fields = [
            "id",
            "plan",
            "contact",
            "role",
            "counterpart",
            "strength",
            "is_executive_sponsor",
            "last_engagement",
        ]
        validators = []  # one contact per plan: the service says so, with the name

    def get_last_engagement(self, entry) -> str | None:
        value = getattr(entry, "last_engagement", None)
        return value.isoformat() if value else None


class RelationshipMapViewSet(_PlanItemViewSet):
    """The plan's relationship map (?plan= or ?account=): contacts, role, our counterpart,
    strength 1 to 5, the executive sponsor on each side, the last engagement from calls."""

    serializer_class = RelationshipEntrySerializer
    model = RelationshipEntry
    input_class = services.RelationshipInput
    save = staticmethod(services.relationship_save)
    getter = staticmethod(selectors.get_relationship_entry_for_user)
    item_kwarg = "entry"
    fields = ["contact", "role", "counterpart", "strength", "is_executive_sponsor"]

    def get_queryset(self):
        queryset = super().get_queryset().select_related("contact", "counterpart")
        account = self.request.query_params.get("account")
        if account:
            queryset = (
                queryset.filter(plan__account_id=account) if account.isdigit() else queryset.none()
            )
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.attach_contact_measures(page, today=timezone.localdate())
        return page

    def get_object(self):
        entry = super().get_object()
        return selectors.attach_contact_measures([entry], today=timezone.localdate())[0]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        selectors.attach_contact_measures([serializer.instance], today=timezone.localdate())

    def perform_update(self, serializer):
        super().perform_update(serializer)
        selectors.attach_contact_measures([serializer.instance], today=timezone.localdate())


def register(router):
    router.register("account-plans", AccountPlanViewSet, basename="account-plan")
    router.register("account-needs", AccountNeedViewSet, basename="account-need")
    router.register("account-actions", AccountActionViewSet, basename="account-action")
    router.register("account-risks", AccountRiskViewSet, basename="account-risk")
    router.register("relationship-map", RelationshipMapViewSet, basename="relationship-map")
