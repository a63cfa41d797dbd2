from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.health.models import Band
from accounts.models import Account
from accounts.plans.selectors import plan_settings
from accounts.selectors import get_account_for_user
from salesproc.charts import bar_chart, column_chart
from salesproc.processes import ACCOUNTS
from salesproc.registry import account_measures_for
from salesproc.view_support import manager_required, process_required
from salesproc.views import apply_errors

from . import selectors, services
from .forms import ManagementForm

PAGE_SIZE = 25


def _list_context(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    measures = account_measures_for()
    review_after = timedelta(days=plan_settings().review_interval_days)
    today = timezone.localdate()
    for account in page:
        account.measure_values = [(m, getattr(account, m.key, None)) for m in measures]
        account.plan_status = account.plan_status_raw or "none"
        if (
            account.plan_status == "approved"
            and account.plan_approved_at
            and account.plan_approved_at.date() + review_after <= today
        ):
            account.plan_status = "due_for_review"
    return {
        "page": page,
        "measures": measures,
        "bands": Band.choices,
        "statuses": Account.Status.choices,
        "plan_statuses": selectors.PLAN_STATUSES,
    }


def _filters(request):
    params = request.GET
    return {
        "search": params.get("q", "").strip(),
        "band": params.get("band", ""),
        "status": params.get("status", ""),
        "plan_status": params.get("plan", ""),
        "ordering": params.get("sort", "name"),
    }


@login_required
@process_required(ACCOUNTS)
def my_accounts(request):
    """The account manager's key accounts: health, figures from every process, filters."""
    queryset = selectors.managed_accounts(
        user=request.user,
        today=timezone.localdate(),
        account_manager=request.user,
        **_filters(request),
    )
    context = _list_context(request, queryset)
    context["title"] = "My accounts"
    context["list_url"] = "accounts:my_accounts"
    template = "accounts/portfolio/_table.html" if request.htmx else "accounts/portfolio/mine.html"
    return render(request, template, context)


@login_required
@manager_required
def portfolio(request):
    """The team's managed accounts for their manager: health distribution, at risk, list."""
    queryset = selectors.managed_accounts(
        user=request.user, today=timezone.localdate(), **_filters(request)
    )
    context = _list_context(request, queryset)
    context["list_url"] = "accounts:portfolio"
    if request.htmx:
        return render(request, "accounts/portfolio/_table.html", context)
    summary = selectors.portfolio_summary(user=request.user)
    context.update(
        summary=summary,
        distribution_chart=column_chart(
            summary["buckets"], title="Managed accounts by health score"
        ),
        band_chart=bar_chart(summary["bands"], title="Managed accounts by band"),
        at_risk=selectors.accounts_at_risk(user=request.user),
        by_manager=selectors.portfolio_by_manager(user=request.user),
        due_for_review=selectors.plans_due_for_review(
            user=request.user, today=timezone.localdate()
        ),
    )
    return render(request, "accounts/portfolio/portfolio.html", context)


@login_required
@manager_required
def account_management(request, pk):
    """Mark an account as managed and give it its account manager (managers, admins)."""
    account = get_account_for_user(request.user, pk)
    form = ManagementForm(
        request.POST or None,
        user=request.user,
        account=account,
        initial={"is_managed": account.is_managed, "account_manager": account.account_manager},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_management(
                actor=request.user,
                account=account,
                is_managed=form.cleaned_data["is_managed"],
                account_manager=form.cleaned_data["account_manager"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Account management saved.")
            return redirect(account)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/portfolio/management_form.html",
        {"form": form, "account": account},
        status=status,
    )
