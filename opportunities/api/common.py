"""What the opportunity API's modules share: the base viewset and two fields."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated

from accounts.models import Contact
from deals.models import Deal
from opportunities.models import (
    WinLossReason,
)
from salesproc.api_support import (
    RunsProcess,
)


class ProcessViewSet(viewsets.GenericViewSet):
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
