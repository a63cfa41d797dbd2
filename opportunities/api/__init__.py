"""REST API of opportunity management: plans and their parts, the catalogues, win/loss
reviews and the what-works report. Writes go through the services.

One module per concept: plans, catalogue, reviews and reports (common holds the base
viewset and shared fields).
"""

from .catalogue import CompetitorViewSet, WinLossReasonViewSet, WinStrategyViewSet
from .plans import (
    DealCompetitorViewSet,
    OpportunityPlanViewSet,
    PlanActionItemViewSet,
    StakeholderViewSet,
)
from .reports import WhatWorksViewSet, parse_what_works
from .reviews import WinLossReviewViewSet

__all__ = ["parse_what_works", "register"]


def register(router):
    router.register("opportunity-plans", OpportunityPlanViewSet, basename="opportunity-plan")
    router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
    router.register("deal-competitors", DealCompetitorViewSet, basename="deal-competitor")
    router.register("plan-action-items", PlanActionItemViewSet, basename="plan-action-item")
    router.register("competitors", CompetitorViewSet, basename="competitor")
    router.register("win-strategies", WinStrategyViewSet, basename="win-strategy")
    router.register("win-loss-reasons", WinLossReasonViewSet, basename="win-loss-reason")
    router.register("win-loss-reviews", WinLossReviewViewSet, basename="win-loss-review")
    router.register("reports/what-works", WhatWorksViewSet, basename="report-what-works")
