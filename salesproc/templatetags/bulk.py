"""The bulk-action bar and row checkboxes a list renders: {% bulk_bar "lead" page %},
{% bulk_select_all "lead" %}, {% bulk_checkbox "lead" record %}."""

from django import forms, template

from salesproc.registry import bulk_actions_for

register = template.Library()


@register.inclusion_tag("salesproc/bulk/_bar.html", takes_context=True)
def bulk_bar(context, record_type, page):
    request = context["request"]
    actions = bulk_actions_for(record_type)
    fields, people = [], {}
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
            if isinstance(bound.field, forms.ModelChoiceField):
                choices = _model_choices(bound.field, people)
            elif hasattr(bound.field, "choices"):
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


def _model_choices(field, fetched):
    """A model field's choices; two actions asking for the same rows (the users one may
    give records to) share one query."""
    key = str(field.queryset.query)
    if key not in fetched:
        fetched[key] = list(field.queryset)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return empty + [(str(obj.pk), field.label_from_instance(obj)) for obj in fetched[key]]


@register.inclusion_tag("salesproc/bulk/_select_all.html")
def bulk_select_all(record_type):
    return {"form_id": f"bulk-{record_type}"}


@register.inclusion_tag("salesproc/bulk/_checkbox.html")
def bulk_checkbox(record_type, record):
    return {"form_id": f"bulk-{record_type}", "record": record}
