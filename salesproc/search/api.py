"""`GET /api/v1/search/?q=`: the global search over the API, same visibility as the page."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .engine import MIN_QUERY, clean_query, search_all


class SearchResultSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The record type: account, contact, lead, deal, call.")
    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="The record's page in the app.")


class SearchResponseSerializer(serializers.Serializer):
    q = serializers.CharField()
    results = SearchResultSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, trim_whitespace=True)
    type = serializers.CharField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    def validate_q(self, value):
        value = clean_query(value)
        if len(value) < MIN_QUERY:
            raise serializers.ValidationError(f"Type at least {MIN_QUERY} characters.")
        return value


@extend_schema(
    tags=["search"],
    summary="Search every record the caller may see",
    description=(
        "Accounts, contacts, leads, deals and calls matching `q` (full text and, on "
        "PostgreSQL, typo-tolerant trigram similarity on names), grouped by type in a fixed "
        "order (account, contact, lead, deal, call) and best match first within a type. "
        "Only records the caller may see, of the processes their role runs. `type` narrows "
        "to one or more types (comma separated); `limit` is per type (1-50, default 10). "
        "**400** when `q` is shorter than 2 characters or `limit` is out of range."
    ),
    parameters=[
        OpenApiParameter("q", str, required=True, description="What to look for."),
        OpenApiParameter("type", str, description="Comma-separated record types."),
        OpenApiParameter("limit", int, description="Results per type, 1-50 (default 10)."),
    ],
    responses={200: SearchResponseSerializer},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def search(request):
    params = SearchQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    types = {t.strip() for t in data.get("type", "").split(",") if t.strip()}
    groups = search_all(user=request.user, query=data["q"], limit=data["limit"], types=types)
    results = [
        {key: item[key] for key in ("type", "id", "title", "subtitle", "url")}
        for group in groups
        for item in group.results
    ]
    return Response({"q": data["q"], "results": results})
