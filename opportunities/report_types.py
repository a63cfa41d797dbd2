"""The "what works" analysis as a report (scheduled sends and CSV): one row per group."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from opportunities import analysis
from salesproc.models import Team, users_visible_to
from salesproc.registry import Param, Report, register_report


def _round(value, digits=3):
    return round(value, digits) if value is not None else None


def _scope(*, user, params):
    owner = team = None
    if params.get("owner"):
        owner = users_visible_to(user).filter(pk=params["owner"]).first()
        if owner is None:
            raise ValidationError({"owner": "No such rep among the people you can see."})
    if params.get("team"):
        team = Team.objects.filter(pk=params["team"]).first()
        if team is None or not (user.is_crm_admin or team.pk in user.managed_team_ids):
            raise ValidationError({"team": "Choose one of your teams."})
    return owner, team


def what_works_rows(*, user, params):
    owner, team = _scope(user=user, params=params)
    end = date.fromisoformat(params["to"]) if params.get("to") else timezone.localdate()
    start = date.fromisoformat(params["from"]) if params.get("from") else end - timedelta(days=365)
    if start > end:
        raise ValidationError({"from": "The period starts after it ends."})
    report = analysis.what_works(
        user=user,
        start=start,
        end=end,
        group_by=params.get("group_by", "strategy"),
        owner=owner,
        team=team,
    )
    columns = [
        analysis.GROUP_BY[report.group_by].lower(),
        "closed deals",
        "won",
        "win rate",
        "cycle days",
        "average won amount",
        "compared with all",
    ]
    rows = [
        [
            group.label,
            group.deals,
            group.won,
            _round(group.win_rate),
            _round(group.cycle_days, 1),
            _round(group.average_won_amount, 2),
            "small sample" if group.small_sample else (group.flag or ""),
        ]
        for group in [*report.groups, report.overall]
    ]
    return columns, rows


def register():
    register_report(
        Report(
            "opportunities.what_works",
            "What works",
            what_works_rows,
            params=(
                Param(
                    "group_by",
                    "Group by",
                    kind="choice",
                    required=False,
                    choices=tuple(analysis.GROUP_BY.items()),
                    default="strategy",
                ),
                Param("from", "From", kind="date", required=False),
                Param("to", "To", kind="date", required=False),
                Param("owner", "Rep", kind="user", required=False),
                Param("team", "Team", kind="team", required=False),
            ),
            url_name="opportunities:what_works",
            process="opportunities",
            owner_param="owner",
            order=40,
        )
    )
