from django.urls import include, path

from . import views

app_name = "deals"
urlpatterns = [
    path("", include("deals.reporting.urls")),
    path("", views.deal_list, name="deal_list"),
    path("board/", views.board, name="board"),
    path("new/", views.deal_create, name="deal_create"),
    path("<int:pk>/", views.deal_detail, name="deal_detail"),
    path("<int:pk>/edit/", views.deal_edit, name="deal_edit"),
    path("<int:pk>/delete/", views.deal_delete, name="deal_delete"),
    path("<int:pk>/move/", views.deal_move, name="deal_move"),
    path("<int:pk>/win/", views.deal_win, name="deal_win"),
    path("<int:pk>/lose/", views.deal_lose, name="deal_lose"),
    path("<int:pk>/reopen/", views.deal_reopen, name="deal_reopen"),
    path("<int:pk>/line-items/", views.line_item_add, name="line_item_add"),
    path("<int:pk>/line-items/<int:item_pk>/", views.line_item_edit, name="line_item_edit"),
    path(
        "<int:pk>/line-items/<int:item_pk>/remove/",
        views.line_item_remove,
        name="line_item_remove",
    ),
    path("settings/pipelines/", views.pipeline_settings, name="pipeline_settings"),
    path("settings/pipelines/<int:pk>/", views.pipeline_edit, name="pipeline_edit"),
    path("settings/stages/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("settings/stages/<int:pk>/shift/", views.stage_shift, name="stage_shift"),
    path("settings/stages/<int:pk>/delete/", views.stage_delete, name="stage_delete"),
    path("settings/products/", views.product_settings, name="product_settings"),
    path("settings/products/<int:pk>/", views.product_edit, name="product_edit"),
    path("settings/lost-reasons/", views.lost_reason_settings, name="lost_reason_settings"),
    path("settings/lost-reasons/<int:pk>/", views.lost_reason_edit, name="lost_reason_edit"),
]
