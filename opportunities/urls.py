from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("", views.opportunity_list, name="opportunity_list"),
    path("what-works/", views.what_works, name="what_works"),
    path("deals/<int:deal_id>/plan/", views.plan_edit, name="plan_edit"),
    path("deals/<int:deal_id>/plan/start/", views.plan_start, name="plan_start"),
    path("deals/<int:deal_id>/stakeholders/", views.stakeholder_add, name="stakeholder_add"),
    path("stakeholders/<int:pk>/", views.stakeholder_edit, name="stakeholder_edit"),
    path("deals/<int:deal_id>/competitors/", views.competitor_add, name="competitor_add"),
    path("deal-competitors/<int:pk>/", views.competitor_edit, name="competitor_edit"),
    path("deals/<int:deal_id>/next-steps/", views.step_add, name="step_add"),
    path("next-steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("competitors/", views.competitor_list, name="competitor_list"),
    path("competitors/<int:pk>/", views.battlecard, name="battlecard"),
    path("reviews/<int:pk>/", views.review_edit, name="review_edit"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/prompts/<int:pk>/", views.prompt_edit, name="prompt_edit"),
    path("settings/<str:kind>/new/", views.catalogue_edit, name="catalogue_new"),
    path("settings/<str:kind>/<int:pk>/", views.catalogue_edit, name="catalogue_edit"),
]
