"""The call resource: plans as a resource, each later step as a POST action.

POST /api/v1/calls/                 plan a call (questions, objections)
POST /api/v1/calls/{id}/complete/   log the call as held
POST /api/v1/calls/{id}/no-show/    ... and no-show, reschedule, cancel
POST /api/v1/calls/{id}/reassign/   give a planned call to another owner ({"owner": id})
POST /api/v1/calls/{id}/follow-up/  plan its follow-up (one per call unless `another`)
POST /api/v1/calls/{id}/debrief/    reflect; ask for a review
POST /api/v1/calls/{id}/review/     the owner's manager rates and gives feedback
POST /api/v1/calls/{id}/acknowledge/
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from calls import selectors, services
from calls.exports import CALL_COLUMNS
from calls.models import Call, CallObjection, CallQuestion
from salesproc.api_csv import CSVExportMixin
from salesproc.api_support import RunsProcess, VisibleModelChoiceFilter

from .serializers import (
    CallPlanSerializer,
    CallSerializer,
    CompleteSerializer,
    DebriefSerializer,
    FollowUpSerializer,
    NoteSerializer,
    ReasonSerializer,
    ReassignSerializer,
    RescheduleSerializer,
    ReviewSerializer,
)


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


class CallViewSet(CSVExportMixin, viewsets.ModelViewSet):
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
    csv_columns = CALL_COLUMNS
    csv_filename = "calls"

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

    def get_object(self):
        return selectors.get_call_for_user(self.request.user, self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CallPlanSerializer
        return CallSerializer

    def _respond(self, call, status_code=status.HTTP_200_OK):
        call = self.get_queryset().get(pk=call.pk)
        return Response(
            CallSerializer(call, context=self.get_serializer_context()).data, status=status_code
        )

    def _input(self, serializer_class, **kwargs):
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=CallPlanSerializer, responses={201: CallSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(CallPlanSerializer)
        call = services.call_plan(actor=request.user, **data)
        return self._respond(call, status.HTTP_201_CREATED)

    @extend_schema(request=CallPlanSerializer, responses={200: CallSerializer})
    def update(self, request, *args, **kwargs):
        call = self.get_object()
        data = self._input(CallPlanSerializer, partial=True)
        call = services.call_update_plan(actor=request.user, call=call, **data)
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
        services.call_complete(actor=request.user, call=call, **self._input(CompleteSerializer))
        return self._respond(call)

    @extend_schema(request=NoteSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        call = self.get_object()
        services.call_mark_no_show(actor=request.user, call=call, **self._input(NoteSerializer))
        return self._respond(call)

    @extend_schema(
        request=RescheduleSerializer,
        responses={201: CallSerializer},
        description="Closes this call as rescheduled and answers with the new planned call.",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        call = self.get_object()
        new = services.call_reschedule(
            actor=request.user, call=call, **self._input(RescheduleSerializer)
        )
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        call = self.get_object()
        services.call_cancel(actor=request.user, call=call, **self._input(ReasonSerializer))
        return self._respond(call)

    @extend_schema(
        request=ReassignSerializer,
        responses={200: CallSerializer},
        description="Gives a planned call to another owner: yourself, someone of a team you "
        "manage, or anyone for an admin. A call already held, cancelled or rescheduled "
        "answers 400 with the reason on `status`; an owner you may not give calls to, 400 "
        "on `owner`.",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        call = self.get_object()
        services.call_reassign(actor=request.user, call=call, **self._input(ReassignSerializer))
        return self._respond(call)

    @extend_schema(
        request=FollowUpSerializer,
        responses={201: CallSerializer},
        description="Plans the follow-up call, prefilled with the next steps and the questions "
        "not asked. A call has one follow-up: a second one needs `another`.",
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        call = self.get_object()
        new = services.call_plan_follow_up(
            actor=request.user, call=call, **self._input(FollowUpSerializer)
        )
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=DebriefSerializer, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def debrief(self, request, pk=None):
        call = self.get_object()
        services.call_debrief(actor=request.user, call=call, **self._input(DebriefSerializer))
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
        services.call_review(actor=request.user, call=call, **self._input(ReviewSerializer))
        return self._respond(call)

    @extend_schema(request=None, responses={200: CallSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        call = self.get_object()
        services.call_acknowledge_review(actor=request.user, call=call)
        return self._respond(call)
