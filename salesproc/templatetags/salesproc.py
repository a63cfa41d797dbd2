from urllib.parse import urlencode

from django import template
from django.template.loader import get_template

from salesproc.currencies import default_currency

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted((k, v) for k in params for v in params.getlist(k)))
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column header that sorts by key, toggling direction when already sorted by it."""
    from django.utils.html import format_html

    current = context["request"].GET.get("sort", "")
    if current == key:
        new, arrow = f"-{key}", " ↑"
    elif current == f"-{key}":
        new, arrow = key, " ↓"
    else:
        new, arrow = key, ""
    return format_html(
        '<a href="{}" class="sort-link">{}{}</a>',
        query_with(context, sort=new, page=None),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """Render a registered panel or widget with its own context plus request/user."""
    tpl = get_template(panel["template"])
    ctx = dict(panel["context"])
    ctx.setdefault("request", context.get("request"))
    ctx.setdefault("user", context.get("user"))
    ctx.setdefault("csrf_token", context.get("csrf_token"))
    return tpl.render(ctx)


@register.filter
def money(value, currency=""):
    """ "EUR 12,000": an amount with its currency (the organisation's default unless the
    record says another), so no figure on a board, dashboard or home reads bare."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return f"{currency or default_currency()} {number:,.0f}"


@register.filter
def percent(value, digits=0):
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def email_breaks(value):
    """An email address that may wrap after its "@" and before its dots, never mid-word."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = escape(value or "")
    return mark_safe(text.replace("@", "@<wbr>").replace(".", "<wbr>."))


@register.simple_tag(takes_context=True)
def export_csv_link(context, label="Export CSV"):
    """A link to this list as CSV, with the current filters (static/js keeps it current
    when htmx filters change the address without a reload)."""
    from django.utils.html import format_html

    from salesproc.exports import export_url

    return format_html(
        '<a class="button" href="{}" data-export-csv download>{}</a>',
        export_url(context["request"]),
        label,
    )


@register.inclusion_tag("salesproc/_report_actions.html", takes_context=True)
def report_actions(context):
    """Export and subscribe links on a page that shows a registered report (the report
    names the page by url_name), for the people the report is for."""
    from salesproc.registry import reports_for

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return {"reports": []}
    found = [r for r in reports_for(user) if r.url_name and r.url_name == match.view_name]
    return {"reports": found, "query": request.GET.urlencode()}
