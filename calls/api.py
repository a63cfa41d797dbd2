"""REST API of call management: plans as a resource, each later step as a POST action.

POST /api/v1/calls/                 plan a call (questions, objections)
POST /api/v1/calls/{id}/complete/   log the call as held
POST /api/v1/calls/{id}/no-show/    ... and no-show, reschedule, cancel
POST /api/v1/calls/{id}/debrief/    reflect; ask for a review
POST /api/v1/calls/{id}/review/     the owner's manager rates and gives feedback
POST /api/v1/calls/{id}/acknowledge/
/api/v1/call-types/, /api/v1/objections/  (everyone reads, admins write)
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Account, Contact
from deals.models import Deal
from leads.models import Lead
from salesproc.api_support import (
    IsCrmAdminOrReadOnly,
    RunsProcess,
    VisibleModelChoiceFilter,
    VisiblePrimaryKeyRelatedField,
)

from . import services
from .models import BankQuestion, Call, CallObjection, CallQuestion, CallType, Objection

# -- read shapes -----------------------------------------------------------------


class CallQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallQuestion
        fields = ["id", "order", "text", "asked", "answer", "unasked_reason"]


class CallObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallObjection
        fields = [
            "id",
            "order",
            "text",
            "planned",
            "planned_response",
            "library_objection",
            "encountered",
            "response_given",
            "handled_well",
        ]


class RatingsSerializer(serializers.Serializer):
    preparation = serializers.IntegerField(min_value=1, max_value=5)
    questioning = serializers.IntegerField(min_value=1, max_value=5)
    objection_handling = serializers.IntegerField(min_value=1, max_value=5)
    next_step = serializers.IntegerField(min_value=1, max_value=5)


class ProblemSerializer(serializers.Serializer):
    problem = serializers.CharField(max_length=4000)
    proposed_solution = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class NotAskedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    reason = serializers.CharField()


class ReviewReadSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(source="reviewer_id", allow_null=True)
    reviewer_name = serializers.SerializerMethodField()
    feedback = serializers.CharField()
    coaching_points = serializers.CharField()
    ratings = serializers.SerializerMethodField()
    average_rating = serializers.FloatField(allow_null=True)
    reviewed_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewer_name(self, call):
        return call.reviewer.display_name if call.reviewer_id else None

    @extend_schema_field(RatingsSerializer(allow_null=True))
    def get_ratings(self, call):
        return call.ratings if call.reviewed_at else None


class CallSerializer(serializers.ModelSerializer):
    """A call as it stands: plan, execution, debrief and review."""

    owner_name = serializers.SerializerMethodField()
    call_type_name = serializers.SerializerMethodField()
    about = serializers.CharField(source="about_label", read_only=True)
    questions = CallQuestionSerializer(many=True, read_only=True)
    objections = CallObjectionSerializer(many=True, read_only=True)
    questions_not_asked = serializers.SerializerMethodField()
    unresolved = ProblemSerializer(source="unresolved_problems", many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "status",
            "owner",
            "owner_name",
            "contact",
            "lead",
            "account",
            "deal",
            "about",
            "scheduled_at",
            "planned_duration_minutes",
            "call_type",
            "call_type_name",
            "channel",
            "purpose",
            "desired_outcome",
            "questions",
            "objections",
            "result",
            "completed_at",
            "duration_minutes",
            "outcome",
            "next_steps",
            "cancel_reason",
            "went_well",
            "questions_not_asked",
            "unresolved",
            "debriefed_at",
            "review_requested_at",
            "review",
            "follow_up_of",
            "rescheduled_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_owner_name(self, call):
        return call.owner.display_name

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_call_type_name(self, call):
        return call.call_type.name if call.call_type_id else None

    @extend_schema_field(NotAskedSerializer(many=True))
    def get_questions_not_asked(self, call):
        return [
            {"id": q.pk, "text": q.text, "reason": q.unasked_reason}
            for q in call.questions.all()
            if q.asked is False
        ]

    @extend_schema_field(ReviewReadSerializer(allow_null=True))
    def get_review(self, call):
        if call.reviewed_at is None:
            return None
        return ReviewReadSerializer(call).data


# -- write shapes ----------------------------------------------------------------


class PlanQuestionInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="Keep this question (updates).")
    text = serializers.CharField(max_length=300)


class PlanObjectionInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="Keep this objection (updates).")
    text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    planned_response = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    objection = serializers.PrimaryKeyRelatedField(
        queryset=Objection.objects.all(),
        required=False,
        allow_null=True,
        help_text="An objection of the library: its text and response fill what is left blank.",
    )


class CallPlanSerializer(serializers.Serializer):
    contact = VisiblePrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    lead = VisiblePrimaryKeyRelatedField(
        queryset=Lead.objects.all(), required=False, allow_null=True
    )
    account = VisiblePrimaryKeyRelatedField(
        queryset=Account.objects.all(), required=False, allow_null=True
    )
    deal = VisiblePrimaryKeyRelatedField(
        queryset=Deal.objects.all(), required=False, allow_null=True
    )
    scheduled_at = serializers.DateTimeField()
    planned_duration_minutes = serializers.IntegerField(
        min_value=5, max_value=480, required=False, allow_null=True
    )
    call_type = serializers.PrimaryKeyRelatedField(
        queryset=CallType.objects.all(), required=False, allow_null=True
    )
    channel = serializers.ChoiceField(choices=Call.Channel.choices, required=False)
    purpose = serializers.CharField(max_length=300)
    desired_outcome = serializers.CharField(max_length=300, required=False, allow_blank=True)
    questions = PlanQuestionInput(
        many=True,
        required=False,
        help_text="In order. Left out on create: the call type's question bank.",
    )
    objections = PlanObjectionInput(many=True, required=False)

    def validate(self, attrs):
        if not self.partial and not any(
            attrs.get(f) for f in ("contact", "lead", "account", "deal")
        ):
            raise serializers.ValidationError(
                {"contact": "Say who the call is with: a contact, lead, account or deal."}
            )
        return attrs


class CompleteQuestionInput(serializers.Serializer):
    id = serializers.IntegerField()
    asked = serializers.BooleanField()
    answer = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CompleteObjectionInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="A planned objection of this call.")
    text = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="An objection not planned."
    )
    encountered = serializers.BooleanField(required=False, default=True)
    response_given = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    handled_well = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs.get("id") is None and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError("Give the id of a planned objection or a text.")
        return attrs


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)
    questions = CompleteQuestionInput(many=True, required=False)
    objections = CompleteObjectionInput(many=True, required=False)
    next_steps = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=600, required=False, allow_null=True
    )
    follow_up_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Plan the follow-up call at this time."
    )


class UnaskedReasonInput(serializers.Serializer):
    question = serializers.IntegerField()
    reason = serializers.CharField(max_length=300, allow_blank=True)


class DebriefSerializer(serializers.Serializer):
    went_well = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    unasked_reasons = UnaskedReasonInput(
        many=True, required=False, help_text="A reason for each planned question not asked."
    )
    unresolved = ProblemSerializer(many=True, required=False)
    request_review = serializers.BooleanField(required=False, default=True)


class ReviewSerializer(serializers.Serializer):
    feedback = serializers.CharField(max_length=4000)
    coaching_points = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    ratings = RatingsSerializer()


class RescheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CallFilter(django_filters.FilterSet):
    contact = VisibleModelChoiceFilter()
    account = VisibleModelChoiceFilter()
    deal = VisibleModelChoiceFilter()
    lead = VisibleModelChoiceFilter()
    scheduled_after = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="lt")

    class Meta:
        model = Call
        fields = ["status", "owner", "contact", "account", "deal", "lead", "call_type", "channel"]


def _objection_rows(rows):
    return [
        {
            "id": row.get("id"),
            "text": row.get("text", ""),
            "planned_response": row.get("planned_response", ""),
            "objection": row.get("objection"),
        }
        for row in rows
    ]


class CallViewSet(viewsets.ModelViewSet):
    """Calls you may see: your own (rep), your team's (manager), all (admin).

    Only the owner plans, logs and debriefs a call; only the owner's manager or an
    admin reviews it. A step out of order is a 400 that says why.
    """

    process = "calls"
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = CallSerializer
    filterset_class = CallFilter
    search_fields = ["purpose", "contact__last_name", "account__name", "deal__name"]
    ordering_fields = ["scheduled_at", "created_at", "status", "reviewed_at"]
    ordering = ["-scheduled_at"]

    def get_queryset(self):
        return (
            Call.objects.visible_to(self.request.user)
            .with_list_data()
            .prefetch_related(
                Prefetch("questions", queryset=CallQuestion.objects.order_by("order", "id")),
                Prefetch("objections", queryset=CallObjection.objects.order_by("order", "id")),
            )
            .order_by("-scheduled_at", "-id")
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CallPlanSerializer
        return CallSerializer

    def _respond(self, call, status_code=status.HTTP_200_OK):
        call = self.get_queryset().get(pk=call.pk)
        return Response(
            CallSerializer(call, context=self.get_serializer_context()).data, status=status_code
        )

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=CallPlanSerializer, responses={201: CallSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(CallPlanSerializer)
        call = services.call_plan(
            actor=request.user,
            scheduled_at=data["scheduled_at"],
            purpose=data["purpose"],
            contact=data.get("contact"),
            lead=data.get("lead"),
            account=data.get("account"),
            deal=data.get("deal"),
            call_type=data.get("call_type"),
            channel=data.get("channel", Call.Channel.PHONE),
            planned_duration_minutes=data.get("planned_duration_minutes"),
            desired_outcome=data.get("desired_outcome", ""),
            questions=[dict(q) for q in data["questions"]] if "questions" in data else None,
            objections=_objection_rows(data.get("objections", [])),
        )
        return self._respond(call, status.HTTP_201_CREATED)

    @extend_schema(request=CallPlanSerializer, responses={200: CallSerializer})
    def update(self, request, *args, **kwargs):
        call = self.get_object()
        serializer = CallPlanSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "questions" in data:
            data["questions"] = [dict(q) for q in data["questions"]]
        if "objections" in data:
            data["objections"] = _objection_rows(data["objections"])
        call = services.call_update_plan(actor=request.user, call=call, data=data)
        return self._respond(call)

    @extend_schema(request=CallPlanSerializer, responses={200: CallSerializer})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.call_delete(actor=request.user, call=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CompleteSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        call = self.get_object()
        data = self._input(CompleteSerializer)
        services.call_complete(
            actor=request.user,
            call=call,
            outcome=data["outcome"],
            questions=[dict(q) for q in data.get("questions", [])],
            objections=[dict(o) for o in data.get("objections", [])],
            next_steps=data.get("next_steps", ""),
            duration_minutes=data.get("duration_minutes"),
            follow_up_at=data.get("follow_up_at"),
        )
        return self._respond(call)

    @extend_schema(request=NoteSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        call = self.get_object()
        data = self._input(NoteSerializer)
        services.call_mark_no_show(actor=request.user, call=call, note=data.get("note", ""))
        return self._respond(call)

    @extend_schema(
        request=RescheduleSerializer,
        responses={201: CallSerializer},
        description="Closes this call as rescheduled and answers with the new planned call.",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        call = self.get_object()
        data = self._input(RescheduleSerializer)
        new = services.call_reschedule(
            actor=request.user, call=call, scheduled_at=data["scheduled_at"], reason=data["reason"]
        )
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        call = self.get_object()
        data = self._input(ReasonSerializer)
        services.call_cancel(actor=request.user, call=call, reason=data.get("reason", ""))
        return self._respond(call)

    @extend_schema(request=DebriefSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def debrief(self, request, pk=None):
        call = self.get_object()
        data = self._input(DebriefSerializer)
        services.call_debrief(
            actor=request.user,
            call=call,
            went_well=data.get("went_well", ""),
            unasked_reasons=[dict(r) for r in data.get("unasked_reasons", [])],
            unresolved=[dict(p) for p in data.get("unresolved", [])],
            request_review=data.get("request_review", True),
        )
        return self._respond(call)

    @extend_schema(request=None, responses={200: CallSerializer})
    @action(detail=True, methods=["post"], url_path="request-review")
    def request_review(self, request, pk=None):
        call = self.get_object()
        services.call_request_review(actor=request.user, call=call)
        return self._respond(call)

    @extend_schema(request=ReviewSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        call = self.get_object()
        data = self._input(ReviewSerializer)
        services.call_review(
            actor=request.user,
            call=call,
            feedback=data["feedback"],
            coaching_points=data.get("coaching_points", ""),
            ratings=dict(data["ratings"]),
        )
        return self._respond(call)

    @extend_schema(request=None, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        call = self.get_object()
        services.call_acknowledge_review(actor=request.user, call=call)
        return self._respond(call)


# -- configuration ----------------------------------------------------------------


class BankQuestionSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=300)

    class Meta:
        model = BankQuestion
        fields = ["id", "order", "text"]
        read_only_fields = ["id", "order"]


class CallTypeSerializer(serializers.ModelSerializer):
    questions = BankQuestionSerializer(
        many=True, required=False, help_text="The question bank, in order; replaced on write."
    )

    class Meta:
        model = CallType
        fields = [
            "id",
            "name",
            "description",
            "default_duration_minutes",
            "order",
            "is_active",
            "questions",
        ]
        extra_kwargs = {"name": {"validators": []}}


class CallTypeViewSet(viewsets.ModelViewSet):
    """Call types and their question banks. Everyone who runs calls reads; admins write."""

    process = "calls"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    serializer_class = CallTypeSerializer
    pagination_class = None
    filterset_fields = ["is_active"]
    search_fields = ["name"]
    ordering_fields = ["order", "name"]

    def get_queryset(self):
        return CallType.objects.prefetch_related("questions").order_by("order", "name")

    def _data(self, validated):
        data = dict(validated)
        if "questions" in data:
            data["questions"] = [q["text"] for q in data["questions"]]
        return data

    def perform_create(self, serializer):
        serializer.instance = services.call_type_create(
            actor=self.request.user, data=self._data(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.call_type_update(
            actor=self.request.user,
            call_type=serializer.instance,
            data=self._data(serializer.validated_data),
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.call_type_delete(actor=self.request.user, call_type=instance)


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "suggested_response", "category", "is_active"]
        extra_kwargs = {"text": {"validators": []}}


class ObjectionViewSet(viewsets.ModelViewSet):
    """The objection library. Everyone who runs calls reads; admins write."""

    process = "calls"
    permission_classes = [IsAuthenticated, RunsProcess, IsCrmAdminOrReadOnly]
    serializer_class = ObjectionSerializer
    filterset_fields = ["category", "is_active"]
    search_fields = ["text", "suggested_response"]
    ordering_fields = ["text", "category"]

    def get_queryset(self):
        return Objection.objects.order_by("category", "text")

    def perform_create(self, serializer):
        serializer.instance = services.objection_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.objection_update(
            actor=self.request.user,
            objection=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.objection_delete(actor=self.request.user, objection=instance)


def register(router):
    router.register("calls", CallViewSet, basename="call")
    router.register("call-types", CallTypeViewSet, basename="call-type")
    router.register("objections", ObjectionViewSet, basename="objection")
