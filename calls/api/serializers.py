"""The API's shapes of a call: what it reads as, and the inputs of each step.

Input serializers check types and ids and hand the services typed inputs
(calls.inputs); business rules (who the call is with, an outcome for a held call,
ratings 1 to 5) are the services' and come back as 400s with their field messages.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account, Contact
from calls.inputs import (
    ObjectionResult,
    PlannedObjection,
    PlannedQuestion,
    Problem,
    QuestionResult,
    Ratings,
    UnaskedReason,
)
from calls.models import Call, CallObjection, CallQuestion, CallType, Objection
from deals.models import Deal
from leads.models import Lead
from salesproc.api_support import VisiblePrimaryKeyRelatedField, VisibleUserField


class _Produces(serializers.Serializer):
    """An input row that validates into the dataclass `produces`."""

    produces = None

    def validate(self, attrs):
        return self.produces(**attrs)


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


class RatingsSerializer(_Produces):
    """Each rating 1 to 5 (the review service checks the range and that all four are given)."""

    produces = Ratings
    preparation = serializers.IntegerField(required=False, allow_null=True)
    questioning = serializers.IntegerField(required=False, allow_null=True)
    objection_handling = serializers.IntegerField(required=False, allow_null=True)
    next_step = serializers.IntegerField(required=False, allow_null=True)


class ProblemSerializer(_Produces):
    produces = Problem
    problem = serializers.CharField(allow_blank=True)
    proposed_solution = serializers.CharField(required=False, allow_blank=True, default="")


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


class PlanQuestionInput(_Produces):
    produces = PlannedQuestion
    id = serializers.IntegerField(required=False, help_text="Keep this question (updates).")
    text = serializers.CharField(allow_blank=True)


class PlanObjectionInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="Keep this objection (updates).")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    planned_response = serializers.CharField(required=False, allow_blank=True, default="")
    objection = serializers.PrimaryKeyRelatedField(
        queryset=Objection.objects.all(),
        required=False,
        allow_null=True,
        help_text="An objection of the library: its text and response fill what is left blank.",
    )

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        return PlannedObjection(
            id=attrs.get("id"),
            text=attrs["text"],
            planned_response=attrs["planned_response"],
            library=attrs.get("objection"),
        )


class CallPlanSerializer(serializers.Serializer):
    """A plan. Who the call is with is checked by the service ("say who the call is with")."""

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
    planned_duration_minutes = serializers.IntegerField(required=False, allow_null=True)
    call_type = serializers.PrimaryKeyRelatedField(
        queryset=CallType.objects.all(), required=False, allow_null=True
    )
    channel = serializers.ChoiceField(choices=Call.Channel.choices, required=False)
    purpose = serializers.CharField(allow_blank=True)
    desired_outcome = serializers.CharField(required=False, allow_blank=True)
    questions = PlanQuestionInput(
        many=True,
        required=False,
        help_text="In order. Left out on create: the call type's question bank.",
    )
    objections = PlanObjectionInput(many=True, required=False)


class CompleteQuestionInput(_Produces):
    produces = QuestionResult
    id = serializers.IntegerField()
    asked = serializers.BooleanField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteObjectionInput(_Produces):
    produces = ObjectionResult
    id = serializers.IntegerField(required=False, help_text="A planned objection of this call.")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="An objection not planned."
    )
    encountered = serializers.BooleanField(required=False, default=True)
    response_given = serializers.CharField(required=False, allow_blank=True, default="")
    handled_well = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs.get("id") is None and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError("Give the id of a planned objection or a text.")
        return super().validate(attrs)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: how the call went."
    )
    questions = CompleteQuestionInput(many=True, required=False, default=list)
    objections = CompleteObjectionInput(many=True, required=False, default=list)
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    follow_up_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Plan the follow-up call at this time.",
    )


class FollowUpSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    another = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Plan it even though the call already has a follow-up planned.",
    )


class UnaskedReasonInput(_Produces):
    produces = UnaskedReason
    question = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class DebriefSerializer(serializers.Serializer):
    went_well = serializers.CharField(required=False, allow_blank=True, default="")
    unasked_reasons = UnaskedReasonInput(
        many=True,
        required=False,
        default=list,
        help_text="A reason for each planned question not asked.",
    )
    unresolved = ProblemSerializer(many=True, required=False, default=list)
    request_review = serializers.BooleanField(required=False, default=True)


class ReviewSerializer(serializers.Serializer):
    feedback = serializers.CharField(allow_blank=True)
    coaching_points = serializers.CharField(required=False, allow_blank=True, default="")
    ratings = RatingsSerializer()


class RescheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReassignSerializer(serializers.Serializer):
    owner = VisibleUserField(help_text="The new owner's user id.")
