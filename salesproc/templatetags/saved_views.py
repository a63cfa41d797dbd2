from django import template

from salesproc.saved_views.selectors import list_columns, tabs_for

register = template.Library()


@register.inclusion_tag("salesproc/saved_views/_tabs.html", takes_context=True)
def saved_view_tabs(context, list_key):
    """The saved views of a list as tabs, with "Save this view": `{% saved_view_tabs "leads" %}`."""
    request = context["request"]
    return {
        **tabs_for(request, list_key),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def shown_columns(context, list_key):
    """`{% shown_columns "deals" as cols %}` then `{% if cols.owner %}`: the columns the
    list shows (the default ones, or those chosen in the Columns menu / the view)."""
    return list_columns(context["request"], list_key)
