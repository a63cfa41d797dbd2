"""The plan and its parts over the API: plans, stakeholders, deal competitors, next steps."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import ValidationError as DRFValidationError

from deals.models import Deal
from opportunities import services
from opportunities.models import (
    DealCompetitor,
    OpportunityPlan,
    PlanActionItem,
    Stakeholder,
    WinStrategy,
)
from salesproc.api_support import (
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)

from .common import AccountContactField, ProcessViewSet


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
    ProcessViewSet,
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


class FixedOnUpdateMixin:
    """A part of a plan keeps its deal and whom it is about: change those by removing it
    and adding another (the serializer says so on the field)."""

    fixed_fields = ()
    fixed_message = ""

    def validate(self, attrs):
        if self.instance is not None:
            for name in self.fixed_fields:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise DRFValidationError({name: self.fixed_message})
        return attrs


class DealPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProcessViewSet,
):
    """A part of a deal's plan (a stakeholder, a competitor): visible with its deal, added,
    changed and removed through its services; `editable` lists what a PATCH may change."""

    related = ()
    add_service = update_service = remove_service = None
    instance_kwarg = ""
    editable = ()

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        qs = model.objects.visible_to(self.request.user).select_related(*self.related)
        return self._deal_filter(qs).order_by("id")

    def perform_create(self, serializer):
        serializer.instance = type(self).add_service(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        item, data = serializer.instance, serializer.validated_data
        changes = {name: data.get(name, getattr(item, name)) for name in self.editable}
        serializer.instance = type(self).update_service(
            actor=self.request.user, **{self.instance_kwarg: item}, **changes
        )

    def perform_destroy(self, instance):
        type(self).remove_service(actor=self.request.user, **{self.instance_kwarg: instance})


class StakeholderSerializer(FixedOnUpdateMixin, serializers.ModelSerializer):
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

    fixed_fields = ("deal", "contact")
    fixed_message = "Remove the stakeholder and add another."


class StakeholderViewSet(DealPartViewSet):
    serializer_class = StakeholderSerializer
    related = ("contact",)
    add_service = staticmethod(services.stakeholder_add)
    update_service = staticmethod(services.stakeholder_update)
    remove_service = staticmethod(services.stakeholder_remove)
    instance_kwarg = "stakeholder"
    editable = ("buying_role", "stance", "influence", "cares_about")


class DealCompetitorSerializer(FixedOnUpdateMixin, serializers.ModelSerializer):
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

    fixed_fields = ("deal", "competitor")
    fixed_message = "Remove this competitor and add another."


class DealCompetitorViewSet(DealPartViewSet):
    serializer_class = DealCompetitorSerializer
    related = ("competitor",)
    add_service = staticmethod(services.deal_competitor_add)
    update_service = staticmethod(services.deal_competitor_update)
    remove_service = staticmethod(services.deal_competitor_remove)
    instance_kwarg = "deal_competitor"
    editable = ("status", "strengths", "weaknesses", "positioning")


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
    ProcessViewSet,
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
