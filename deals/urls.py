from django.urls import include, path

from .views import configuration, inline, records, transitions

app_name = "deals"
urlpatterns = [
    path("", include("deals.reporting.urls")),
    path("", records.deal_list, name="deal_list"),
    path("board/", records.board, name="board"),
    path("new/", records.deal_create, name="deal_create"),
    path("<int:pk>/", records.deal_detail, name="deal_detail"),
    path("<int:pk>/edit/", records.deal_edit, name="deal_edit"),
    path("<int:pk>/inline/", inline.deal_inline_view, name="deal_inline_view"),
    path("<int:pk>/inline/<slug:field>/", inline.deal_inline, name="deal_inline"),
    path("<int:pk>/delete/", records.deal_delete, name="deal_delete"),
    path("<int:pk>/move/", transitions.deal_move, name="deal_move"),
    path("<int:pk>/win/", transitions.deal_win, name="deal_win"),
    path("<int:pk>/lose/", transitions.deal_lose, name="deal_lose"),
    path("<int:pk>/reopen/", transitions.deal_reopen, name="deal_reopen"),
    path("<int:pk>/line-items/", records.line_item_add, name="line_item_add"),
    path("<int:pk>/line-items/<int:item_pk>/", records.line_item_edit, name="line_item_edit"),
    path(
        "<int:pk>/line-items/<int:item_pk>/remove/",
        records.line_item_remove,
        name="line_item_remove",
    ),
    path("settings/pipelines/", configuration.pipeline_settings, name="pipeline_settings"),
    path("settings/pipelines/<int:pk>/", configuration.pipeline_edit, name="pipeline_edit"),
    path("settings/stages/<int:pk>/", configuration.stage_edit, name="stage_edit"),
    path("settings/stages/<int:pk>/shift/", configuration.stage_shift, name="stage_shift"),
    path("settings/stages/<int:pk>/delete/", configuration.stage_delete, name="stage_delete"),
    path("settings/products/", configuration.product_settings, name="product_settings"),
    path("settings/products/<int:pk>/", configuration.product_edit, name="product_edit"),
    path("settings/lost-reasons/", configuration.lost_reason_settings, name="lost_reason_settings"),
    path(
        "settings/lost-reasons/<int:pk>/", configuration.lost_reason_edit, name="lost_reason_edit"
    ),
]
