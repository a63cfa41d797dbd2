"""The bulk-action bar and row checkboxes a list renders: {% bulk_bar "lead" page %},
{% bulk_select_all "lead" %}, {% bulk_checkbox "lead" record %}."""

from django import template

from salesproc.registry import bulk_actions_for

register = template.Library()


@register.inclusion_tag("salesproc/bulk/_bar.html", takes_context=True)
def bulk_bar(context, record_type, page):
    request = context["request"]
    actions = bulk_actions_for(record_type)
    fields = []
    for action in actions:
        if action.form is None:
            continue
        # each action's own fields (two may share a name: only the chosen one is enabled)
        form = action.form(
            user=request.user,
            auto_id=f"bulk-{record_type}-{action.key}-%s",
            use_required_attribute=False,  # hidden actions must not block the submit
        )
        for bound in form:
            choices = None
            if hasattr(bound.field, "choices"):
                # a comprehension, not list(): ModelChoiceIterator's len() is a COUNT query
                choices = [choice for choice in bound.field.choices]  # noqa: C416
            current = bound.value()
            current = "" if current is None else str(current)
            fields.append((action.key, bound, choices, current))
    query = request.GET.copy()
    for key in ("page", "sort"):  # which rows, not their page or order
        query.pop(key, None)
    return {
        "record_type": record_type,
        "form_id": f"bulk-{record_type}",
        "actions": actions,
        "fields": fields,
        "filter": query.urlencode(),
        "next": request.path + (f"?{query.urlencode()}" if query else ""),
        "page": page,
        "matching": page.paginator.count,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("salesproc/bulk/_select_all.html")
def bulk_select_all(record_type):
    return {"form_id": f"bulk-{record_type}"}


@register.inclusion_tag("salesproc/bulk/_checkbox.html")
def bulk_checkbox(record_type, record):
    return {"form_id": f"bulk-{record_type}", "record": record}
