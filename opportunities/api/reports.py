"""The what-works report over the API (and its parameters, which the page reuses)."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from opportunities import analysis
from salesproc.api_support import (
    RunsProcess,
    VisibleUserField,
)
from salesproc.models import Team


class WhatWorksParams(serializers.Serializer):
    """Query parameters: dates default to the last 12 months."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    owner = VisibleUserField(required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    group_by = serializers.ChoiceField(choices=list(analysis.GROUP_BY), default="strategy")


def parse_what_works(request, params):
    """from/to/owner/team/group_by, checked; a team outside the caller's scope is refused."""
    data = {k: v for k, v in params.items() if v not in ("", None)}
    for outer, inner in (("from", "start"), ("to", "end")):
        if outer in data:
            data[inner] = data.pop(outer)
    serializer = WhatWorksParams(data=data, context={"request": request})
    if not serializer.is_valid():
        errors = dict(serializer.errors)
        for outer, inner in (("from", "start"), ("to", "end")):
            if inner in errors:
                errors[outer] = errors.pop(inner)
        raise DRFValidationError(errors)
    values = serializer.validated_data
    today = timezone.localdate()
    end = values.get("end") or today
    start = values.get("start") or (end - timedelta(days=365))
    if start > end:
        raise DRFValidationError({"from": ["The period starts after it ends."]})
    team = values.get("team")
    user = request.user
    if team is not None and not user.is_crm_admin and team.pk not in user.managed_team_ids:
        raise DRFValidationError({"team": ["Choose one of your teams."]})
    return {
        "start": start,
        "end": end,
        "owner": values.get("owner"),
        "team": team,
        "group_by": values["group_by"],
    }


def report_payload(report):
    def group(g):
        return {
            "key": g.key,
            "label": g.label,
            "deals": g.deals,
            "won": g.won,
            "win_rate": _round(g.win_rate),
            "interval": _pair(g.interval),
            "cycle_days": _round(g.cycle_days, 1),
            "cycle_interval": _pair(g.cycle_interval, 1),
            "average_won_amount": _round(g.average_won_amount, 2),
            "amount_interval": _pair(g.amount_interval, 2),
            "flag": g.flag,
            "small_sample": g.small_sample,
        }

    return {
        "group_by": report.group_by,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "min_sample": report.min_sample,
        "overall": group(report.overall),
        "groups": [group(g) for g in report.groups],
    }


def _round(value, digits=4):
    return None if value is None else round(float(value), digits)


def _pair(pair, digits=4):
    return None if pair is None else [_round(pair[0], digits), _round(pair[1], digits)]


class WhatWorksViewSet(viewsets.ViewSet):
    """GET /api/v1/reports/what-works/: win rate with its 95% Wilson interval per group."""

    process = "opportunities"
    permission_classes = [IsAuthenticated, RunsProcess]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("owner", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(analysis.GROUP_BY)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        params = parse_what_works(request, request.query_params)
        report = analysis.what_works(user=request.user, **params)
        return Response(report_payload(report))
