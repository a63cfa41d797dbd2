from django import forms

from salesproc.registry import health_signals_for


class HealthSettingsForm(forms.Form):
    healthy_from = forms.IntegerField(min_value=1, max_value=100, label="Healthy from (score)")
    watch_from = forms.IntegerField(min_value=1, max_value=100, label="Watch from (score)")

    def __init__(self, *args, weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for signal in health_signals_for():
            self.fields[f"weight_{signal.key}"] = forms.IntegerField(
                min_value=0,
                max_value=100,
                label=signal.label,
                initial=weights.get(signal.key, signal.weight),
                help_text="The most points this signal can cost.",
            )

    def weights(self):
        return {
            signal.key: self.cleaned_data[f"weight_{signal.key}"] for signal in health_signals_for()
        }
