"""CSV over the API: `Accept: text/csv` or `?format=csv` on a list (or report) endpoint.

The list streams around DRF's renderer (a StreamingHttpResponse over the filtered
queryset's iterator), so the renderer only takes part in content negotiation; an error
answer (a 400 for a bad filter, a 404) is still JSON.
"""

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from .exports import CSV_MEDIA_TYPE, export_queryset


class CSVRenderer(BaseRenderer):
    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Exports stream around the renderer; finalize_response turns anything else to JSON.
        return JSONRenderer().render(data, renderer_context=renderer_context)


def asked_for_csv(request) -> bool:
    return isinstance(getattr(request, "accepted_renderer", None), CSVRenderer)


class CSVResponseMixin:
    """Adds the CSV renderer to a view's negotiation and keeps error answers JSON."""

    def get_renderers(self):
        return [*super().get_renderers(), CSVRenderer()]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(
            getattr(response, "accepted_renderer", None), CSVRenderer
        ):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class CSVExportMixin(CSVResponseMixin):
    """A list viewset that exports its filtered list as streamed CSV, unpaginated, with
    the same visibility and filters as the JSON list. Set `csv_columns` (exports.Column)."""

    csv_columns = ()
    csv_filename = "export"

    def get_csv_columns(self):
        return self.csv_columns

    def list(self, request, *args, **kwargs):
        if asked_for_csv(request):
            # the columns read only joined rows: no detail prefetches per chunk
            queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
            return export_queryset(queryset, self.get_csv_columns(), filename=self.csv_filename)
        return super().list(request, *args, **kwargs)
