"""Pages of deal reporting: month plan, forecast, pipeline dashboard, stalled deals, quotas."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from deals import periods
from deals.models import Deal, ForecastSubmission
from deals.periods import this_month
from deals.selectors import get_deal_for_user
from salesproc.charts import bar_chart, column_chart, line_chart
from salesproc.errors import StaleVersion
from salesproc.models import users_visible_to
from salesproc.view_support import manager_required, process_required, safe_next_url
from salesproc.views import apply_errors

from . import selectors, services
from .forms import (
    DashboardFilterForm,
    ForecastCategoryForm,
    ForecastMonthForm,
    ForecastSubmitForm,
    MonthPlanFilterForm,
    OwnerFilterForm,
    QuotaGridForm,
)

PAGE_SIZE = 25
QUOTA_MONTHS = 6


def _people(user):
    """The reps a report can be narrowed to (one query, only for those who see others)."""
    if user.is_crm_admin or user.is_manager:
        return list(users_visible_to(user).order_by("first_name", "last_name", "username"))
    return [user]


def _with_defaults(params, **defaults):
    """The query string with blank filters filled in, so the form shows what is used."""
    data = params.copy()
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = str(value)
    return data


def _month_nav(month: date):
    return {
        "previous_month": periods.add_months(month, -1).strftime("%Y-%m"),
        "next_month": periods.add_months(month, 1).strftime("%Y-%m"),
        "this_month": this_month().strftime("%Y-%m"),
    }


def _percent(value):
    return f"{float(value):.0f}%"


def _days(value):
    return f"{float(value):.0f} d"


def month_plan_chart(plan, *, height=220, width=560):
    """Won to date vs quota, week by week, with the projection for the weeks to come."""
    weeks = plan.weeks
    labels = [week.label for week in weeks]
    series = [
        ("Won to date", [week.won_to_date for week in weeks]),
        ("Won + weighted pipeline", [week.projected_won for week in weeks]),
    ]
    if plan.quota is not None:
        series.insert(0, ("Quota", [plan.quota] * len(weeks)))
    return line_chart(
        series,
        labels,
        title=f"Won vs quota by week, {plan.month_label}",
        height=height,
        width=width,
        min_value=0,
    )


# -- month plan --------------------------------------------------------------------------------


@login_required
@process_required("deals")
def month_plan(request):
    user = request.user
    people = _people(user)
    form = MonthPlanFilterForm(
        _with_defaults(request.GET, month=this_month().strftime("%Y-%m")),
        user=user,
        people=people,
    )
    month, owner = this_month(), None
    if form.is_valid():
        month, owner = form.cleaned_data["month"], form.cleaned_data.get("owner")
    plan = selectors.month_plan(user=user, month=month, owner=owner)
    selectors.attach_deals(
        plan, selectors.month_plan_deals(user=user, month=month, owner=plan.owner)
    )
    return render(
        request,
        "deals/reports/month_plan.html",
        {
            "form": form,
            "plan": plan,
            "weeks": plan.weeks,
            "overdue": plan.overdue_deals,
            "truncated": plan.deals_truncated,
            "chart": month_plan_chart(plan),
            "owner_param": plan.owner.pk if plan.owner and plan.owner != user else "",
            "sees_others": len(people) > 1,
            **_month_nav(plan.month_start),
        },
    )


def month_plan_widget(request):
    """Home: this month's won / quota / gap with a small chart (the user's own or team's)."""
    plan = selectors.month_plan(user=request.user, month=this_month(), include_snapshots=False)
    weeks = plan.weeks
    chart = column_chart(
        [(f"{week.start.day} {week.start:%b}", week.won_to_date or 0) for week in weeks],
        title="Won to date by week",
        height=150,
        width=420,
        target=plan.quota or None,
    )
    return {"plan": plan, "chart": chart}


# -- forecast ----------------------------------------------------------------------------------


def _suggested_call(row):
    commit = row["won_amount"] + row["commit_pipeline"]
    best_case = commit + row["best_case_pipeline"]
    return {"commit_amount": _plain(commit), "best_case_amount": _plain(best_case)}


def _own_row(rollup, user):
    return next((row for row in rollup["rows"] if row["id"] == user.pk), None)


def _plain(amount):
    """131415.00 -> 131415 in an input."""
    return int(amount) if amount == amount.to_integral_value() else amount


@login_required
@process_required("deals")
def forecast(request):
    user = request.user
    month_form = ForecastMonthForm(request.GET or None)
    month = this_month()
    if month_form.is_bound and month_form.is_valid():
        month = month_form.cleaned_data["month"]
    rollup = selectors.forecast_rollup(user=user, month=month)
    # a manager calls the month for the team: their figures are the team's
    team_call = user.is_manager
    mine = rollup["total"] if team_call else _own_row(rollup, user)
    latest = (
        ForecastSubmission.objects.filter(user=user, period_start=month)
        .order_by("-submitted_at", "-id")
        .first()
    )
    can_submit = month >= this_month()
    submit_form = None
    if can_submit:
        if request.method == "POST":
            submit_form = ForecastSubmitForm(request.POST)
            if submit_form.is_valid():
                try:
                    services.forecast_submit(
                        actor=user, period_start=month, **submit_form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(submit_form, exc)
                else:
                    messages.success(
                        request, f"Your forecast for {periods.month_label(month)} is in."
                    )
                    return redirect(f"{reverse('deals:forecast')}?month={month:%Y-%m}")
        else:
            initial = (
                {
                    "commit_amount": _plain(latest.commit_amount),
                    "best_case_amount": _plain(latest.best_case_amount),
                    "note": latest.note,
                }
                if latest
                else (_suggested_call(mine) if mine else {})
            )
            submit_form = ForecastSubmitForm(initial=initial)
    if team_call and submit_form is not None and "note" in submit_form.fields:
        submit_form.fields["note"].label = "What the team's call rests on"
    sees_team = user.is_manager or user.is_crm_admin
    deals = Paginator(selectors.forecast_deals(user=user, month=month), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "deals/reports/forecast.html",
        {
            "month_form": month_form,
            "rollup": rollup,
            "figures": mine,
            "team_call": team_call,
            "suggested": _suggested_call(mine) if mine else None,
            "latest": latest,
            "submit_form": submit_form,
            "sees_team": sees_team,
            "page": deals,
            "rows": [
                {"deal": deal, "can_override": services.can_override_forecast(user, deal)}
                for deal in deals
            ],
            "categories": Deal.ForecastCategory.choices,
            **_month_nav(month),
        },
    )


@login_required
@process_required("deals")
@require_POST
def forecast_category(request, pk):
    """The manager's override, inline on the forecast page (htmx swaps the row)."""
    deal = get_deal_for_user(request.user, pk)
    form = ForecastCategoryForm(request.POST)
    error, saved = "", False
    if not form.is_valid():
        error = "Choose a forecast category."
    else:
        try:
            deal = services.deal_set_forecast_category(
                actor=request.user, deal=deal, **form.cleaned_data
            )
            saved = True
        except StaleVersion:
            deal.refresh_from_db()
            error = "Someone changed this deal meanwhile: here is its current category."
        except PermissionDenied as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, f"{deal.name}: {error}")
        else:
            messages.success(request, f"{deal.name}: forecast category saved.")
        return redirect(safe_next_url(request, reverse("deals:forecast")))
    context = {
        "row": {
            "deal": deal,
            "can_override": services.can_override_forecast(request.user, deal),
        },
        "categories": Deal.ForecastCategory.choices,
        "error": error,
        "saved": saved,
        "sees_team": True,
    }
    if saved:
        # the roll-up (and the team's figures) move with the category: swapped out of band
        context.update(_rollup_context(request, deal), oob=True)
    return render(request, "deals/reports/_forecast_category_saved.html", context)


def _rollup_context(request, deal):
    user = request.user
    try:
        month = periods.parse_month(request.POST.get("month") or "")
    except ValidationError:
        month = (deal.expected_close_date or timezone.localdate()).replace(day=1)
    rollup = selectors.forecast_rollup(user=user, month=month)
    team_call = user.is_manager
    latest = ForecastSubmission.objects.filter(user=user, period_start=month).exists()
    return {
        "rollup": rollup,
        "team_call": team_call,
        "latest": latest,
        "figures": rollup["total"] if team_call else _own_row(rollup, user),
    }


# -- pipeline dashboard --------------------------------------------------------------------------


@login_required
@process_required("deals")
def pipeline_dashboard(request):
    user = request.user
    people = _people(user)
    now = timezone.now()
    # Stages (and so pipelines) are configuration: one query, reused for the filter,
    # the pipeline report and the stalled-deal limits.
    stages = selectors.open_stages()
    pipelines = {stage.pipeline_id: stage.pipeline for stage in stages}
    form = DashboardFilterForm(
        _with_defaults(
            request.GET, month=this_month().strftime("%Y-%m"), months=selectors.HISTORY_MONTHS
        ),
        user=user,
        people=people,
        pipelines=list(pipelines.values()),
    )
    filters = {"owner": None, "pipeline": None, "close_from": None, "close_to": None}
    months, month = selectors.HISTORY_MONTHS, this_month()
    if form.is_valid():
        data = form.cleaned_data
        filters.update(
            owner=data.get("owner"),
            pipeline=pipelines.get(data.get("pipeline")),
            close_from=data.get("close_from"),
            close_to=data.get("close_to"),
        )
        months, month = data.get("months") or months, data["month"]
    try:
        summary = selectors.pipeline_summary(user=user, stages=stages, **filters)
    except ValidationError as exc:  # the selector's rules (a reversed range): on the form
        apply_errors(form, exc)
        filters.update(close_from=None, close_to=None)
        summary = selectors.pipeline_summary(user=user, stages=stages, **filters)
    metrics = selectors.sales_metrics(
        user=user,
        owner=filters["owner"],
        pipeline=filters["pipeline"],
        months=months,
        open_deals=summary["open_deals"],
    )
    attainment = selectors.attainment(user=user, month=month, pipeline=filters["pipeline"])
    if filters["owner"] is not None:
        attainment = [row for row in attainment if row["id"] == filters["owner"].pk]
    stalled_count = (
        selectors.stalled_deals(
            user=user,
            owner=filters["owner"],
            now=now,
            stages=stages,
        )
        .order_by()
        .count()
    )
    stage_rows = summary["stages"]
    names = [row["name"] for row in stage_rows]
    # a stage name used by two pipelines says which one it is
    labels = [
        f"{row['name']} ({row['pipeline']})" if names.count(row["name"]) > 1 else row["name"]
        for row in stage_rows
    ]
    return render(
        request,
        "deals/reports/dashboard.html",
        {
            "form": form,
            "summary": summary,
            "metrics": metrics,
            "attainment": attainment,
            "attainment_month": periods.month_label(month),
            "stalled_count": stalled_count,
            "sees_others": len(people) > 1,
            "stage_chart": bar_chart(
                [(label, row["amount"]) for label, row in zip(labels, stage_rows, strict=True)],
                title="Open pipeline by stage (amount)",
            ),
            "weighted_chart": bar_chart(
                [
                    (label, row["weighted_amount"])
                    for label, row in zip(labels, stage_rows, strict=True)
                ],
                title="Weighted pipeline by stage",
            ),
            "attainment_chart": bar_chart(
                [(row["name"], (row["attainment"] or 0) * 100) for row in attainment],
                title=f"Attainment, {periods.month_label(month)} (won / quota)",
                value_format=_percent,
                max_value=max(
                    [100] + [float((row["attainment"] or 0) * 100) for row in attainment]
                ),
            ),
            "win_rate_chart": line_chart(
                [
                    (
                        "Win rate",
                        [
                            (row["win_rate"] * 100) if row["win_rate"] is not None else None
                            for row in metrics["months"]
                        ],
                    )
                ],
                [row["label"] for row in metrics["months"]],
                title="Win rate by month (won / closed, by count)",
                value_format=_percent,
                min_value=0,
                max_value=100,
            ),
            "cycle_chart": column_chart(
                [(row["label"], row["average_cycle_days"] or 0) for row in metrics["months"]],
                title="Average sales cycle of deals won, by month (days)",
                value_format=_days,
            ),
        },
    )


# -- stalled deals ----------------------------------------------------------------------------


@login_required
@process_required("deals")
def stalled_deals(request):
    user = request.user
    people = _people(user)
    form = OwnerFilterForm(request.GET or None, user=user, people=people)
    owner = form.cleaned_data.get("owner") if form.is_bound and form.is_valid() else None
    now = timezone.now()
    page = Paginator(selectors.stalled_deals(user=user, owner=owner, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "deals/reports/stalled.html",
        {
            "form": form,
            "page": page,
            "rows": [selectors.stalled_row(deal, now) for deal in page],
            "sees_others": len(people) > 1,
        },
    )


# -- quotas --------------------------------------------------------------------------------------


@login_required
@process_required("deals")
@manager_required
def quota_admin(request):
    user = request.user
    start = this_month()
    requested = request.POST.get("start") or request.GET.get("start")
    if requested:
        try:
            start = periods.parse_month(requested)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    grid = selectors.quota_grid(user=user, first_month=start, months=QUOTA_MONTHS)
    form = QuotaGridForm(
        request.POST or None,
        people=grid["people"],
        periods=grid["periods"],
        quotas=grid["quotas"],
        initial={"start": start.strftime("%Y-%m")},
    )
    if request.method == "POST" and form.is_valid():
        entries = form.entries()
        if "fill" in request.POST:
            entries = _fill_right(entries, len(grid["periods"]))
        try:
            counts = services.quotas_set(actor=user, entries=entries)
        except ValidationError as exc:
            form.add_cell_errors(exc)
        else:
            changes = counts["created"] + counts["changed"] + counts["removed"]
            messages.success(
                request,
                f"Quotas saved: {counts['created']} set, {counts['changed']} changed, "
                f"{counts['removed']} removed."
                if changes
                else "No quota changed.",
            )
            return redirect(f"{reverse('deals:quota_admin')}?start={start:%Y-%m}")
    totals = []
    for period in grid["periods"]:
        values = [
            grid["quotas"][(person.pk, period)].amount
            for person in grid["people"]
            if (person.pk, period) in grid["quotas"]
        ]
        totals.append(sum(values, Decimal("0")) if values else None)
    return render(
        request,
        "deals/reports/quotas.html",
        {
            "form": form,
            "periods": grid["periods"],
            "totals": totals,
            "start": start,
            "previous_start": periods.add_months(start, -QUOTA_MONTHS).strftime("%Y-%m"),
            "next_start": periods.add_months(start, QUOTA_MONTHS).strftime("%Y-%m"),
            "this_month": this_month(),
        },
    )


def _fill_right(entries, months):
    """Each empty month takes the amount of the month before it in the same row."""
    filled = []
    for i in range(0, len(entries), months):
        previous = None
        for person, period, amount in entries[i : i + months]:
            if amount is None and previous is not None:
                amount = previous
            previous = amount
            filled.append((person, period, amount))
    return filled
