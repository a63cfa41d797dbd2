"""REST API of deal management, registered by salesproc/urls.py.

`configuration` (pipelines, stages, products, lost reasons), `deals` (deals and line
items); reports, quotas and forecasts live in deals.reporting.api.
"""

from django.urls import path

from deals.reporting import api as report_api

from .configuration import LostReasonViewSet, PipelineViewSet, ProductViewSet, StageViewSet
from .deals import DealViewSet, LineItemViewSet


def register(router):
    router.register("pipelines", PipelineViewSet, basename="pipeline")
    router.register("products", ProductViewSet, basename="product")
    router.register("lost-reasons", LostReasonViewSet, basename="lost-reason")
    router.register("deals", DealViewSet, basename="deal")
    report_api.register(router)


_collection = {"get": "list", "post": "create"}
_member = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

extra_urls = [
    path(
        "deals/<int:deal_pk>/line-items/",
        LineItemViewSet.as_view(_collection),
        name="deal-line-item-list",
    ),
    path(
        "deals/<int:deal_pk>/line-items/<int:pk>/",
        LineItemViewSet.as_view(_member),
        name="deal-line-item-detail",
    ),
    path(
        "pipelines/<int:pipeline_pk>/stages/",
        StageViewSet.as_view(_collection),
        name="pipeline-stage-list",
    ),
    path(
        "pipelines/<int:pipeline_pk>/stages/<int:pk>/",
        StageViewSet.as_view(_member),
        name="pipeline-stage-detail",
    ),
    *report_api.extra_urls,
]
