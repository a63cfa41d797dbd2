"""Reads of the time audit: a person's week grid, the report and the comparison of two
audits. Every figure is an SQL aggregate over the entries the viewer may see."""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse

from calls.models import Call

from .models import AuditCategory, TimeEntry

# Which automation of the product addresses a category, and where to set it up. The
# first address that exists wins (parts of automation arrive on their own).
AUTOMATION_PAGES = {
    "templates": ("automation:emails:template_list",),
    "quotes": ("automation:quotes:quote_list",),
    "reports": ("automation:reports:list",),
    "workflows": ("automation:workflows:rule_list", "leads:intake_form_list"),
}


def automation_link(key):
    """(label, url) of the automation for a category's key, or None."""
    if not key:
        return None
    label = AuditCategory.Automation(key).label
    for name in AUTOMATION_PAGES.get(key, ()):
        try:
            return label, reverse(name)
        except NoReverseMatch:
            continue
    return label, ""


def audit_days(audit):
    return [audit.starts_on + timedelta(days=i) for i in range(audit.days)]


def week_grid(*, user, audit):
    """The viewer's own week: minutes per category per day, totals, and held calls."""
    days = audit_days(audit)
    cells = {
        (row["category_id"], row["day"]): row["minutes"]
        for row in TimeEntry.objects.filter(audit=audit, user=user)
        .values("category_id", "day")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    }
    categories = list(
        AuditCategory.objects.filter(
            Q(is_active=True) | Q(entries__audit=audit, entries__user=user)
        ).distinct()
    )
    rows = []
    for category in categories:
        minutes = [cells.get((category.pk, day), 0) for day in days]
        rows.append({"category": category, "minutes": minutes, "total": sum(minutes)})
    day_totals = [sum(r["minutes"][i] for r in rows) for i in range(len(days))]
    calls = {
        row["day"]: row["minutes"]
        for row in Call.objects.filter(
            owner=user,
            result=Call.Result.HELD,
            completed_at__date__gte=audit.starts_on,
            completed_at__date__lte=audit.ends_on,
        )
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by()
    }
    call_minutes = [calls.get(day, 0) or 0 for day in days]
    return {
        "days": days,
        "rows": rows,
        "day_totals": day_totals,
        "total": sum(day_totals),
        "call_minutes": call_minutes,
        "call_total": sum(call_minutes),
    }


def _hours(minutes):
    return round((minutes or 0) / 60, 1)


def audit_report(*, user, audit):
    """Hours per category (per role and per person), selling share and the automation
    candidates, over the entries this user may see."""
    entries = TimeEntry.objects.visible_to(user).filter(audit=audit)
    weeks = audit.days / 7
    totals = entries.aggregate(
        logged=Sum("minutes"),
        selling=Sum("minutes", filter=Q(category__selling=True)),
        people=Count("user", distinct=True),
    )
    people = totals["people"] or 0
    categories = []
    for row in (
        entries.values("category_id", "category__name", "category__selling", "category__automation")
        .annotate(minutes=Sum("minutes"), people=Count("user", distinct=True))
        .order_by("category__order", "category__name")
    ):
        hours = _hours(row["minutes"])
        categories.append(
            {
                "id": row["category_id"],
                "name": row["category__name"],
                "selling": row["category__selling"],
                "automation": row["category__automation"],
                "hours": hours,
                "people": row["people"],
                "per_person_week": round(row["minutes"] / 60 / people / weeks, 1) if people else 0,
                "score": round(hours * row["people"], 1),
            }
        )
    roles = {}
    for row in (
        entries.values("category_id", "user__role__name")
        .annotate(minutes=Sum("minutes"))
        .order_by("user__role__name")
    ):
        role = row["user__role__name"] or "No role"
        roles.setdefault(role, {})[row["category_id"]] = _hours(row["minutes"])
    role_names = sorted(roles)
    for category in categories:
        category["by_role"] = [roles[name].get(category["id"], 0) for name in role_names]
    by_person = {}
    for row in entries.values("category_id", "user_id").annotate(minutes=Sum("minutes")).order_by():
        by_person.setdefault(row["user_id"], {})[row["category_id"]] = _hours(row["minutes"])
    persons = [
        {
            "name": f"{row['user__first_name']} {row['user__last_name']}".strip()
            or row["user__username"],
            "id": row["user_id"],
            "role": row["user__role__name"] or "",
            "hours": _hours(row["logged"]),
            "selling_hours": _hours(row["selling"]),
            "selling_share": round(100 * (row["selling"] or 0) / row["logged"])
            if row["logged"]
            else 0,
        }
        for row in entries.values(
            "user_id", "user__first_name", "user__last_name", "user__username", "user__role__name"
        )
        .annotate(logged=Sum("minutes"), selling=Sum("minutes", filter=Q(category__selling=True)))
        .order_by("user__first_name", "user__last_name", "user_id")
    ]
    for category in categories:
        category["by_person"] = [by_person[p["id"]].get(category["id"], 0) for p in persons]
    candidates = sorted(
        (c for c in categories if not c["selling"] and c["automation"]),
        key=lambda c: (-c["score"], c["name"]),
    )
    for candidate in candidates:
        candidate["link"] = automation_link(candidate["automation"])
    total = totals["logged"] or 0
    return {
        "audit": audit,
        "people": people,
        "hours": _hours(total),
        "selling_hours": _hours(totals["selling"]),
        "selling_share": round(100 * (totals["selling"] or 0) / total) if total else 0,
        "non_selling_share": 100 - round(100 * (totals["selling"] or 0) / total) if total else 0,
        "categories": categories,
        "role_names": role_names,
        "persons": persons,
        "candidates": candidates,
    }


def audit_comparison(*, before, after):
    """Per category, hours per person per week in two reports ("5.2 h → 1.9 h")."""
    earlier = {c["name"]: c for c in before["categories"]}
    later = {c["name"]: c for c in after["categories"]}
    rows = []
    for name in list(earlier) + [n for n in later if n not in earlier]:
        was = earlier.get(name, {}).get("per_person_week", 0)
        now = later.get(name, {}).get("per_person_week", 0)
        rows.append(
            {
                "name": name,
                "before": was,
                "after": now,
                "change": round(now - was, 1),
                "automation": (earlier.get(name) or later.get(name))["automation"],
            }
        )
    return rows


def report_rows(*, user, params):
    """The time audit as a registered report: one row per category."""
    from django.http import Http404

    from .models import TimeAudit

    audits = TimeAudit.objects.visible_to(user)
    try:
        audit = audits.get(pk=params.get("audit")) if params.get("audit") else audits.first()
    except (TimeAudit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such audit.") from None
    columns = [
        "Category",
        "Selling",
        "Hours",
        "People",
        "Hours per person per week",
        "Automation",
    ]
    if audit is None:
        return columns, []
    report = audit_report(user=user, audit=audit)
    rows = [
        [
            c["name"],
            "yes" if c["selling"] else "no",
            c["hours"],
            c["people"],
            c["per_person_week"],
            AuditCategory.Automation(c["automation"]).label if c["automation"] else "",
        ]
        for c in report["categories"]
    ]
    return columns, rows
