"""Type-ahead pickers of records and people, for forms that would otherwise render every
choice in a <select> (a call plan with 10,000 open leads).

    from salesproc.pickers import use_picker
    use_picker(form.fields["deal"], "deal.open", user=user, first_account=account_id)

The field stays a ModelChoiceField (or ModelMultipleChoiceField) whose queryset is the
picker's, so a posted id is checked against what the user may see; the widget renders
only the current value(s) and asks `/pickers/<key>/` (htmx) for 20 matches as you type.
"""

from .widgets import RecordPicker, use_picker  # noqa: F401
