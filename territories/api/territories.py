"""Territories (with their rules) and assignment rules with preview/ and apply/, and the
progress of a re-run."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.decorators import method_decorator
from drf_spectacular.utils import (
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_support import (
    RunsProcess,
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)
from territories import selectors, services
from territories.inputs import RULE_FIELDS, RULE_LIST_FIELDS, RuleInput, TerritoryInput
from territories.models import AssignmentRule, AssignmentRun, Territory


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
