"""The picker widget and the helper that puts it on a form field."""

from django import forms
from django.urls import reverse
from django.utils.http import urlencode

from salesproc.registry import picker_for

RESULTS = 20


def picker_queryset(key, user, *, account=None):
    """What picker key offers user (narrowed to one account when given): the one queryset
    the form field validates against and the search endpoint searches."""
    picker = picker_for(key)
    if picker is None:
        raise LookupError(f"No picker {key!r} is registered.")
    queryset = picker.queryset(user)
    if account is not None and picker.account_field:
        queryset = queryset.filter(**{picker.account_field: account})
    return queryset


class RecordPicker(forms.Widget):
    """A search box and a listbox of matches; the chosen id(s) in hidden inputs."""

    template_name = "salesproc/pickers/widget.html"

    def __init__(self, key, *, params=None, multiple=False, placeholder="", attrs=None):
        super().__init__(attrs)
        self.key = key
        self.params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        self.multiple = multiple
        self.placeholder = placeholder or "Type to search…"
        self.choices = ()

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def format_value(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return not self.multiple and name not in data

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def _selected(self, values):
        """The current value(s) with their labels: one query over the field's queryset."""
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if not values or queryset is None:
            return []
        ids = []
        for value in values:
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                continue
        label = getattr(getattr(choices, "field", None), "label_from_instance", str)
        found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
        return [{"id": pk, "label": label(found[pk])} for pk in ids if pk in found]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        selected = self._selected(context["widget"]["value"])
        query = {"name": name, **self.params}
        if self.multiple:
            query["multiple"] = "1"
        context["widget"].update(
            {
                "url": reverse("picker_options", args=[self.key]) + "?" + urlencode(query),
                "selected": selected,
                "multiple": self.multiple,
                "placeholder": self.placeholder,
                "current_label": selected[0]["label"] if selected and not self.multiple else "",
            }
        )
        return context


def use_picker(
    field, key, *, user, account=None, first_account=None, placeholder="", queryset=None
):
    """Make a ModelChoiceField / ModelMultipleChoiceField a type-ahead over picker key:
    its queryset becomes the picker's (what the user may see, narrowed to account), so a
    posted id outside it is refused like any invalid choice. queryset: a narrower one
    (or the picker's plus the value held now, so an unchanged value saves)."""
    field.queryset = (
        queryset if queryset is not None else picker_queryset(key, user, account=account)
    )
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = RecordPicker(
        key,
        params={"account": account, "first": first_account},
        multiple=multiple,
        placeholder=placeholder,
        attrs=field.widget.attrs,
    )
    widget.is_required = field.required
    widget.choices = field.choices  # lazy: only the current value is ever looked up
    field.widget = widget
    return field
