"""/api/v1/handoffs/ with submit/, comment/, accept/ and assign/."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from salesproc.api_support import VisibleUserField

from . import selectors, services
from .models import DEBRIEF_FIELDS, Handoff, HandoffComment

DEBRIEF_NAMES = [name for name, _ in DEBRIEF_FIELDS]


class AssignSerializer(serializers.Serializer):
    to_user = VisibleUserField(help_text="The account manager the handoff goes to.")


class HandoffCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoffComment
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["author", "created_at"]


class HandoffSerializer(serializers.ModelSerializer):
    comments = HandoffCommentSerializer(many=True, read_only=True)

    class Meta:
        model = Handoff
        fields = [
            "id",
            "account",
            "deal",
            "deal_name",
            "from_user",
            "to_user",
            "status",
            *DEBRIEF_NAMES,
            "won_at",
            "submitted_at",
            "accepted_at",
            "comments",
        ]
        read_only_fields = [
            "account",
            "deal",
            "deal_name",
            "from_user",
            "to_user",
            "status",
            "won_at",
            "submitted_at",
            "accepted_at",
        ]


class HandoffViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Handoffs of won deals to account managers (visible when the account is). PATCH
    the debrief fields; then submit/, comment/ and accept/."""

    serializer_class = HandoffSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["account", "status"]

    def get_queryset(self):
        return (
            Handoff.objects.visible_to(self.request.user)
            .prefetch_related("comments")
            .order_by("-created_at", "-id")
        )

    def get_object(self):
        return selectors.get_handoff_for_user(self.request.user, self.kwargs["pk"])

    def perform_update(self, serializer):
        handoff = serializer.instance
        values = {name: getattr(handoff, name) for name in DEBRIEF_NAMES}
        values.update(serializer.validated_data)
        serializer.instance = services.handoff_update_debrief(
            actor=self.request.user, handoff=handoff, debrief=services.Debrief(**values)
        )

    def _respond(self, handoff, code=status.HTTP_200_OK):
        handoff = self.get_queryset().get(pk=handoff.pk)
        return Response(HandoffSerializer(handoff).data, status=code)

    @extend_schema(request=None, responses={200: HandoffSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The rep who won submits the debrief to the account manager."""
        return self._respond(services.handoff_submit(actor=request.user, handoff=self.get_object()))

    @extend_schema(request=HandoffCommentSerializer, responses={201: HandoffCommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A question or answer on the handoff."""
        handoff = self.get_object()
        body = HandoffCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.handoff_comment(
            actor=request.user, handoff=handoff, text=body.validated_data["text"]
        )
        return Response(HandoffCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: HandoffSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The account manager accepts: the account becomes a managed customer of theirs."""
        return self._respond(services.handoff_accept(actor=request.user, handoff=self.get_object()))

    @extend_schema(request=AssignSerializer, responses={200: HandoffSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """A manager names the account manager the handoff goes to."""
        handoff = self.get_object()
        body = AssignSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._respond(
            services.handoff_assign(
                actor=request.user, handoff=handoff, to_user=body.validated_data["to_user"]
            )
        )


def register(router):
    router.register("handoffs", HandoffViewSet, basename="handoff")
