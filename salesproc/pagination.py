"""API pagination, in a module of its own: DRF imports it while building its generic views."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .cursor import cursor_page, in_total_order
from .paginator import EXACT_COUNT_LIMIT, CountingPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers by default (`?page=`), with a count that is exact up to 10,000 rows and
    PostgreSQL's estimate above (`count_is_estimate: true`): an exact count reads every row.

    `?cursor=` (empty for the first page) switches to keyset pages: no count, and `next`
    carries the cursor of the following page, so page 4,000 costs what page 1 does. The
    cursor follows whatever `?ordering=` the list was asked for; keep it with the cursor.
    """

    django_paginator_class = CountingPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self.cursor_query_param in request.query_params
        if not self.cursor_mode:
            if hasattr(queryset, "query"):  # ties broken by the key: stable pages
                queryset = in_total_order(queryset)
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        size = self.get_page_size(request)
        try:
            rows, self.next_cursor = cursor_page(
                queryset, cursor=request.query_params[self.cursor_query_param], size=size
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return rows

    def get_next_link(self):
        if not getattr(self, "cursor_mode", False):
            return super().get_next_link()
        if not self.next_cursor:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        if self.cursor_mode:
            return Response({"next": self.get_next_link(), "previous": None, "results": data})
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_estimate": self.page.paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"exact up to {EXACT_COUNT_LIMIT:,} rows, PostgreSQL's estimate above; "
            "left out with ?cursor="
        )
        response["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": f"true when `count` is an estimate (above {EXACT_COUNT_LIMIT:,} rows)",
            "example": False,
        }
        response["required"] = ["results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Keyset pages instead of page numbers: empty for the first page, then "
                    "the cursor in `next`. No count; deep pages cost what the first does."
                ),
                "schema": {"type": "string"},
            }
        )
        return parameters
