"""Parameter forms the apps' bulk actions share; each takes (data, user=)."""

from django import forms

from salesproc.models import User, users_visible_to


class ActionForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class OwnerForm(ActionForm):
    """The new owner: an active person the user can see (the service checks they may
    give records to them)."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="New owner",
        empty_label="Choose…",
        error_messages={
            "required": "Choose the new owner.",
            "invalid_choice": "Choose someone you work with.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_visible_to(self.user).filter(is_active=True)


def choice_form(name, label, choices, required_message):
    """A form with one choice field `name`; choices(user) -> [(value, label)]."""

    class ChoiceForm(ActionForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices(self.user),
                error_messages={
                    "required": required_message,
                    "invalid_choice": "Choose one of the options offered.",
                },
            )

    ChoiceForm.__name__ = f"{name.title()}Form"
    return ChoiceForm
