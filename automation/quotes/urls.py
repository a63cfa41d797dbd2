from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="quote_list"),
    path("deals/<int:deal_id>/new/", views.quote_create, name="quote_create"),
    path("<int:pk>/", views.quote_detail, name="quote_detail"),
    path("<int:pk>/edit/", views.quote_edit, name="quote_edit"),
    path("<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("<int:pk>/send/", views.quote_send, name="quote_send"),
    path("<int:pk>/revise/", views.quote_revise, name="quote_revise"),
    path("<int:pk>/request-approval/", views.quote_request_approval, name="quote_request_approval"),
    path("<int:pk>/approve/", views.quote_approve, name="quote_approve"),
    path("<int:pk>/reject/", views.quote_reject, name="quote_reject"),
    path("settings/", views.quote_settings, name="settings"),
    path("settings/terms/new/", views.terms_edit, name="terms_new"),
    path("settings/terms/<int:pk>/", views.terms_edit, name="terms_edit"),
    # The customer's page: no login, found by its token only.
    path("p/<str:token>/", views.public_quote, name="public_quote"),
    path("p/<str:token>/pdf/", views.public_quote_pdf, name="public_quote_pdf"),
]
