"""API of leads (with their qualify, disqualify, convert and accept-intake-changes
actions), the qualification criteria and the disqualification reasons.

Just over 500 lines, on purpose: one resource's serializers sit beside its viewset, and
the three resources share the answer and result serializers. The intake endpoint and
the import API are leads/intake/api.py.
"""

import django_filters
from django.db.models import F
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from salesproc.api_csv import CSVExportMixin
from salesproc.api_filtering import FilterBackend
from salesproc.api_support import IsCrmAdminOrReadOnly, RunsProcess, VisibleUserField
from salesproc.processes import LEADS

from . import scoring, selectors, services
from .exports import LEAD_COLUMNS
from .fields import LEAD_FIELDS
from .intake import api as intake_api
from .intake import services as intake
from .models import Criterion, DisqualificationReason, Lead, Qualification

extra_urls = [*intake_api.extra_urls]


# -- leads --------------------------------------------------------------------------


class LeadSerializer(serializers.ModelSerializer):
    owner = VisibleUserField(required=False, help_text="Defaults to you.")
    disqualification_reason = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            *LEAD_FIELDS,
            "owner",
            "status",
            "score",
            "qualified_at",
            "disqualified_at",
            "disqualification_reason",
            "converted_account",
            "converted_contact",
            "converted_deal",
            "converted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "score",
            "qualified_at",
            "disqualified_at",
            "converted_account",
            "converted_contact",
            "converted_deal",
            "converted_at",
            "created_at",
            "updated_at",
        ]


class LeadFilter(django_filters.FilterSet):
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Score at least"
    )

    class Meta:
        model = Lead
        fields = ["status", "owner", "source", "min_score"]


class ScoreOrderingFilter(filters.OrderingFilter):
    """Unscored leads sort last whichever way the score is ordered."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            if name == "score":
                expr = F(name)
                terms.append(
                    expr.desc(nulls_last=True)
                    if term.startswith("-")
                    else expr.asc(nulls_last=True)
                )
            else:
                terms.append(term)
        return queryset.order_by(*terms, "id")


class AnswerSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="A current qualification criterion id.")
    value = serializers.JSONField(
        allow_null=True,
        help_text="true/false for yes/no questions, a choice value, a number; null = unknown.",
    )


class QualifyRequestSerializer(serializers.Serializer):
    answers = AnswerSerializer(many=True, allow_empty=True)
    confirm = serializers.BooleanField(
        default=False,
        help_text="Qualify even when the suggested verdict is not “qualify” (rep override).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    criteria_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The criteria version the answers were given to (as this API answers it). "
        "Answers to an older version are refused with 400.",
    )

    def validate_answers(self, value):
        seen = set()
        for item in value:
            if item["criterion"] in seen:
                raise serializers.ValidationError(
                    f"Criterion {item['criterion']} is answered twice."
                )
            seen.add(item["criterion"])
        return value

    def answers_dict(self):
        return {a["criterion"]: a["value"] for a in self.validated_data["answers"]}


class DisqualifyRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="A disqualification reason: its name or id (see /disqualification-reasons/)."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    answers = AnswerSerializer(many=True, required=False)


class CriterionResultSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    label = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    answer_label = serializers.CharField()
    status = serializers.ChoiceField(choices=list(scoring.STATUS_LABELS))
    weight = serializers.IntegerField()
    earned = serializers.FloatField()
    must_have = serializers.BooleanField()
    from_profile = serializers.BooleanField()


class QualificationResultSerializer(serializers.Serializer):
    qualification = serializers.IntegerField()
    score = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=list(scoring.VERDICT_LABELS))
    status = serializers.ChoiceField(choices=Lead.Status.choices)
    decision = serializers.ChoiceField(choices=Qualification.Decision.choices)
    criteria_version = serializers.IntegerField()
    qualify_at = serializers.IntegerField()
    disqualify_below = serializers.IntegerField()
    results = CriterionResultSerializer(many=True)


class QualificationSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    criteria_version = serializers.IntegerField(source="version.number")
    disqualification_reason = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Qualification
        fields = [
            "id",
            "score",
            "verdict",
            "decision",
            "overridden",
            "disqualification_reason",
            "note",
            "by",
            "decided_at",
            "criteria_version",
            "answers",
            "results",
        ]


class ConvertRequestSerializer(serializers.Serializer):
    deal_name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Blank: “<company>: new business”."
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    expected_close_date = serializers.DateField(required=False, allow_null=True)


class ConvertResultSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    contact = serializers.IntegerField()
    deal = serializers.IntegerField()


def _result_body(qualification, lead):
    return {
        "qualification": qualification.pk,
        "score": qualification.score,
        "verdict": qualification.verdict,
        "status": lead.status,
        "decision": qualification.decision,
        "criteria_version": qualification.version.number,
        "qualify_at": qualification.version.qualify_at,
        "disqualify_below": qualification.version.disqualify_below,
        "results": qualification.results,
    }


class AcceptIntakeChangesSerializer(serializers.Serializer):
    submission = serializers.IntegerField(help_text="The attached intake submission's id.")


class LeadViewSet(CSVExportMixin, viewsets.ModelViewSet):
    """Leads: people and companies not yet qualified. Visible: your own (rep), your
    team's (manager), all (admin). Default order: highest score first."""

    serializer_class = LeadSerializer
    permission_classes = [IsAuthenticated, RunsProcess]
    process = LEADS
    filterset_class = LeadFilter
    filter_backends = [
        FilterBackend,
        filters.SearchFilter,
        ScoreOrderingFilter,
    ]
    search_fields = ["first_name", "last_name", "email", "company_name"]
    ordering_fields = ["score", "created_at", "last_name", "company_name", "status"]
    ordering = ["-score", "-created_at"]
    csv_columns = LEAD_COLUMNS
    csv_filename = "leads"

    def get_queryset(self):
        return (
            Lead.objects.visible_to(self.request.user)
            .with_list_data()
            .select_related("disqualification_reason")
        )

    def get_object(self):
        lead = selectors.get_lead_for_user(
            self.request.user, self.kwargs[self.lookup_field], queryset=self.get_queryset()
        )
        self.check_object_permissions(self.request, lead)
        return lead

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        owner = data.pop("owner", self.request.user)
        serializer.instance = services.lead_create(actor=self.request.user, data=data, owner=owner)

    def perform_update(self, serializer):
        serializer.instance = services.lead_update(
            actor=self.request.user, lead=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.lead_delete(actor=self.request.user, lead=instance)

    def _fresh(self, pk):
        return Lead.objects.get(pk=pk)

    @extend_schema(
        request=QualifyRequestSerializer,
        responses={200: QualificationResultSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"])
    def qualify(self, request, pk=None):
        """Answer the current criteria; qualifies when the verdict allows it (or `confirm`)."""
        lead = self.get_object()
        body = QualifyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        qualification = services.lead_qualify(
            actor=request.user,
            lead=lead,
            answers=body.answers_dict(),
            confirm=body.validated_data["confirm"],
            note=body.validated_data["note"],
            answered_version=body.validated_data["criteria_version"],
        )
        return Response(_result_body(qualification, self._fresh(lead.pk)))

    @extend_schema(
        request=DisqualifyRequestSerializer,
        responses={200: QualificationResultSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"])
    def disqualify(self, request, pk=None):
        """Disqualify the lead; a reason is required."""
        lead = self.get_object()
        body = DisqualifyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answers = {a["criterion"]: a["value"] for a in body.validated_data.get("answers", [])}
        qualification = services.lead_disqualify(
            actor=request.user,
            lead=lead,
            reason=body.validated_data["reason"],
            answers=answers,
            note=body.validated_data["note"],
        )
        return Response(_result_body(qualification, self._fresh(lead.pk)))

    @extend_schema(
        request=ConvertRequestSerializer,
        responses={200: ConvertResultSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Convert a qualified lead into account, contact and deal. Safe to repeat: a
        second call creates nothing and returns the same ids. The body is optional."""
        lead = self.get_object()
        body = ConvertRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = services.lead_convert(actor=request.user, lead=lead, **body.validated_data)
        return Response(
            {
                "account": lead.converted_account_id,
                "contact": lead.converted_contact_id,
                "deal": lead.converted_deal_id,
            }
        )

    @extend_schema(
        request=AcceptIntakeChangesSerializer,
        responses={200: LeadSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"], url_path="accept-intake-changes")
    def accept_intake_changes(self, request, pk=None):
        """Take the values an intake submission attached to this lead offers (each once).

        A website's submission never changes a lead by itself: it is added to the lead's
        timeline with the fields that differ, and the owner accepts them here.
        """
        lead = self.get_object()
        body = AcceptIntakeChangesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        intake.intake_submission_accept_changes(
            actor=request.user, lead=lead, submission_id=body.validated_data["submission"]
        )
        return Response(LeadSerializer(self._fresh(lead.pk), context={"request": request}).data)

    @extend_schema(responses={200: QualificationSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def qualifications(self, request, pk=None):
        """The lead's qualification history, newest first."""
        lead = self.get_object()
        return Response(
            QualificationSerializer(selectors.qualification_history(lead), many=True).data
        )


# -- criteria -----------------------------------------------------------------------


class ChoiceOptionSerializer(serializers.Serializer):
    value = serializers.CharField(required=False, max_length=40)
    label = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=0, max_value=100)


class CriterionSerializer(serializers.ModelSerializer):
    choices = ChoiceOptionSerializer(many=True, required=False)
    rule_industries = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )
    rule_countries = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )

    class Meta:
        model = Criterion
        fields = ["id", *services.CRITERION_FIELDS, "order"]
        read_only_fields = ["order"]


class CriteriaVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    qualify_at = serializers.IntegerField()
    disqualify_below = serializers.IntegerField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    criteria = serializers.JSONField()


class ThresholdsSerializer(serializers.Serializer):
    qualify_at = serializers.IntegerField(min_value=0, max_value=100)
    disqualify_below = serializers.IntegerField(min_value=0, max_value=100)


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField())


class PresetSerializer(serializers.Serializer):
    preset = serializers.ChoiceField(choices=["default", "bant", "meddicc"])


class CriterionViewSet(viewsets.ModelViewSet):
    """The qualification criteria in asking order. Everyone reads; admins write, and
    every write publishes a new criteria version (past qualifications keep theirs)."""

    serializer_class = CriterionSerializer
    queryset = Criterion.objects.order_by("order", "id")
    permission_classes = [IsAuthenticated, IsCrmAdminOrReadOnly]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Criterion.objects.order_by("order", "id")

    def perform_create(self, serializer):
        serializer.instance = services.criterion_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.criterion_update(
            actor=self.request.user,
            criterion=serializer.instance,
            data=dict(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.criterion_delete(actor=self.request.user, criterion=instance)

    def _version_body(self, version):
        return CriteriaVersionSerializer(version).data

    @extend_schema(request=None, responses={200: CriteriaVersionSerializer})
    @action(detail=False, methods=["get"])
    def version(self, request):
        """The version in force: its number, thresholds and frozen criteria."""
        version = selectors.current_version()
        if version is None:
            raise Http404("No criteria version yet.")
        return Response(self._version_body(version))

    @extend_schema(request=ThresholdsSerializer, responses={200: CriteriaVersionSerializer})
    @action(detail=False, methods=["post"])
    def thresholds(self, request):
        body = ThresholdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.criteria_set_thresholds(actor=request.user, **body.validated_data)
        return Response(self._version_body(version))

    @extend_schema(request=ReorderSerializer, responses={200: CriteriaVersionSerializer})
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        body = ReorderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.criteria_reorder(actor=request.user, order=body.validated_data["order"])
        return Response(self._version_body(version))

    @extend_schema(request=PresetSerializer, responses={200: CriteriaVersionSerializer})
    @action(detail=False, methods=["post"], url_path="load-preset")
    def load_preset(self, request):
        """Replace the criteria with the defaults, BANT or MEDDICC."""
        body = PresetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.criteria_load_preset(
            actor=request.user, preset=body.validated_data["preset"]
        )
        return Response(self._version_body(version), status=status.HTTP_200_OK)


class DisqualificationReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisqualificationReason
        fields = ["id", "name", "is_active"]


class DisqualificationReasonViewSet(viewsets.ModelViewSet):
    """Reasons a rep may give to disqualify a lead. Everyone reads; admins add or retire."""

    serializer_class = DisqualificationReasonSerializer
    queryset = DisqualificationReason.objects.all()
    permission_classes = [IsAuthenticated, IsCrmAdminOrReadOnly]
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.all_reasons()

    def perform_create(self, serializer):
        serializer.instance = services.disqualification_reason_create(
            actor=self.request.user, name=serializer.validated_data["name"]
        )

    def perform_update(self, serializer):
        reason = serializer.instance
        if "name" in serializer.validated_data and serializer.validated_data["name"] != reason.name:
            raise serializers.ValidationError({"name": "Retire the reason and add a new one."})
        serializer.instance = services.disqualification_reason_set_active(
            actor=self.request.user,
            reason=reason,
            active=serializer.validated_data.get("is_active", reason.is_active),
        )


def register(router):
    router.register("leads", LeadViewSet, basename="lead")
    router.register("qualification-criteria", CriterionViewSet, basename="qualification-criterion")
    router.register(
        "disqualification-reasons",
        DisqualificationReasonViewSet,
        basename="disqualification-reason",
    )
    intake_api.register(router)
