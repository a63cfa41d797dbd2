"""Forms of the intake form admin and the CSV import wizard. They validate input only;
the services in leads.intake.services and leads.imports decide and write."""

from django import forms

from leads.imports.mapping import MAPPABLE_FIELDS
from leads.imports.reading import max_import_bytes
from salesproc.models import Team, users_visible_to

from .models import INTAKE_LEAD_FIELDS
from .values import FIELD_LABELS, FULL_NAME, guess_field

ALIAS_HELP = (
    "One per line, when your website's form uses other names, e.g. “company = company_name” "
    "or “your-name = full_name”. Common names (name, company, e-mail, telephone…) are "
    "understood without this."
)


def _field_from_text(text):
    text = text.strip()
    known = {name for name, _ in INTAKE_LEAD_FIELDS} | {FULL_NAME}
    if text in known:
        return text
    for name, label in FIELD_LABELS.items():
        if text.lower() == label.lower() and name in known:
            return name
    guessed = guess_field(text)
    return guessed if guessed in known else None


def aliases_to_text(aliases):
    return "\n".join(f"{name} = {field}" for name, field in (aliases or {}).items())


class IntakeFormForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For you, e.g. “Website contact form”.")
    source = forms.CharField(
        max_length=50,
        initial="Web form",
        help_text="The lead source its leads get, as the lead list and the metrics show it.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        help_text="New leads go in turn to the team's members who qualify leads.",
    )
    allowed_fields = forms.MultipleChoiceField(
        choices=INTAKE_LEAD_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        label="Fields it may fill",
        help_text="Anything else posted is kept in the submission but not put on the lead.",
    )
    aliases = forms.CharField(
        required=False,
        label="Other field names",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "company = company_name"}),
        help_text=ALIAS_HELP,
    )
    redirect_url = forms.URLField(
        required=False,
        max_length=500,
        label="Thank-you page",
        assume_scheme="https",
        help_text="Where a visitor lands after sending the form (optional).",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Active: accepts submissions"
    )

    def clean_aliases(self):
        aliases, problems = {}, []
        for number, line in enumerate(self.cleaned_data["aliases"].splitlines(), start=1):
            if not line.strip():
                continue
            separator = "=" if "=" in line else ":" if ":" in line else None
            if separator is None:
                problems.append(f"Line {number}: write “name = lead field”.")
                continue
            name, target = (part.strip() for part in line.split(separator, 1))
            field = _field_from_text(target)
            if not name or field is None:
                problems.append(f"Line {number}: “{target}” is not a lead field.")
                continue
            aliases[name] = field
        if problems:
            raise forms.ValidationError(problems)
        return aliases

    @classmethod
    def initial_for(cls, form):
        return {
            "name": form.name,
            "source": form.source,
            "team": form.team_id,
            "allowed_fields": form.allowed_fields,
            "aliases": aliases_to_text(form.aliases),
            "redirect_url": form.redirect_url,
            "is_active": form.is_active,
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.txt"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_import_bytes() // (1024 * 1024)
        self.fields["file"].help_text = (
            f"Up to {limit} MB, UTF-8 or Latin-1, comma or semicolon separated, with a "
            "header row naming the columns."
        )


MAPPING_CHOICES = [("", "— skip this column —")] + [
    (name, FIELD_LABELS[name]) for name in MAPPABLE_FIELDS
]


class ImportMappingForm(forms.Form):
    """One choice per column, then who owns the leads and their source."""

    source = forms.CharField(
        max_length=50, help_text="Lead source for rows without a Source column."
    )

    def __init__(self, *args, job, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                choices=MAPPING_CHOICES, required=False, label=header
            )
            self.initial.setdefault(name, job.mapping[index] if index < len(job.mapping) else "")
            self.columns.append(name)
        self.initial.setdefault("source", job.source)
        if user.is_crm_admin or user.is_manager:
            self.fields["owner"] = forms.ModelChoiceField(
                queryset=users_visible_to(user).order_by("first_name", "last_name"),
                label="Owner of the new leads",
                help_text="Leads already in the CRM keep their owner.",
            )
            self.initial.setdefault("owner", job.owner_id)

    def mapping(self):
        return [self.cleaned_data.get(name) or "" for name in self.columns]

    def column_fields(self):
        return [self[name] for name in self.columns]
