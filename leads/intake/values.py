"""Lead values from outside text: a posted field or a CSV cell, named however people name it.

Intake forms and CSV imports both turn what they receive into lead values here.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from leads.fields import LEAD_DETAIL_FIELD_NAMES, LEAD_DETAIL_FIELDS
from leads.models import Lead

FULL_NAME = "full_name"  # not a lead field: split into first and last name
NOTES = "notes"  # not a lead field: the CSV import adds it as a note on the lead
NOTES_ALIASES = {"notes", "note", "comments", "comment", "remarks"}
NOTES_MAX = 20000
FIELD_LABELS = {
    **dict(LEAD_DETAIL_FIELDS),
    FULL_NAME: "Full name",
    "source": "Source",
    NOTES: "Notes",
}

# Names people give a column or an input, normalised (lowercase, letters and digits only).
FIELD_ALIASES = {
    "first_name": [
        "firstname",
        "first",
        "givenname",
        "forename",
        "vorname",
        "prenom",
        "fname",
    ],
    "last_name": ["lastname", "last", "surname", "familyname", "nachname", "nom", "lname"],
    FULL_NAME: ["fullname", "name", "contactname", "contact", "person", "yourname"],
    "email": ["email", "emailaddress", "mail", "emailadresse", "workemail", "businessemail"],
    "phone": [
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "mobilephone",
        "cell",
        "telefon",
        "directphone",
    ],
    "job_title": ["jobtitle", "title", "position", "role", "jobrole", "function"],
    "company_name": [
        "company",
        "companyname",
        "organisation",
        "organization",
        "organisationname",
        "organizationname",
        "account",
        "accountname",
        "employer",
        "firma",
        "business",
    ],
    "website": ["website", "web", "url", "homepage", "domain", "companywebsite", "site"],
    "industry": ["industry", "sector", "vertical", "branche"],
    "employee_count": [
        "employees",
        "employeecount",
        "numberofemployees",
        "noofemployees",
        "headcount",
        "companysize",
        "size",
        "staff",
    ],
    "country": ["country", "countryname", "nation", "land", "countryregion"],
    "source": ["source", "leadsource", "origin", "channel"],
}
_ALIAS_TO_FIELD = {alias: field for field, aliases in FIELD_ALIASES.items() for alias in aliases}
for _name in [*LEAD_DETAIL_FIELD_NAMES, FULL_NAME, "source"]:
    _ALIAS_TO_FIELD[_name.replace("_", "")] = _name

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_INTEGER = re.compile(r"^\d{1,9}$")
_email_validator = EmailValidator()
_MAX_LENGTHS = {
    name: Lead._meta.get_field(name).max_length for name in [*LEAD_DETAIL_FIELD_NAMES, "source"]
}


def normalise_name(name) -> str:
    return _NON_ALNUM.sub("", str(name or "").strip().lower())


def guess_field(name):
    """The lead field a column header or input name most likely means, or None."""
    return _ALIAS_TO_FIELD.get(normalise_name(name))


def normalise_email(value) -> str:
    return str(value or "").strip().lower()


def split_full_name(value):
    parts = value.split()
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


def clean_lead_values(raw: dict):
    """({lead field: value}, [problem, ...]) from {field or 'full_name': text}.

    Empty values are left out, so an update never blanks what the CRM already knows.
    A lead needs a last name and an email or a company.
    """
    data, problems = {}, []
    too_long = set()
    for field, value in raw.items():
        text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
        if not text:
            continue
        if field == NOTES:
            if len(text) > NOTES_MAX:
                problems.append(f"Notes are longer than {NOTES_MAX:,} characters.")
            else:
                data[NOTES] = text
            continue
        if field == FULL_NAME:
            first, last = split_full_name(text)
            if first and "first_name" not in raw:
                data.setdefault("first_name", first)
            data.setdefault("last_name", last)
            continue
        if field == "email":
            text = text.lower()
            if len(text) > 254:
                problems.append(f"Email “{text[:40]}…” is too long.")
                continue
            try:
                _email_validator(text)
            except ValidationError:
                problems.append(f"“{text}” is not a valid email address.")
                continue
        elif field == "employee_count":
            digits = text.replace(",", "").replace(" ", "").replace("_", "").rstrip("+")
            if not _INTEGER.match(digits):
                problems.append(f"Employees “{text}” is not a whole number.")
                continue
            data[field] = int(digits)
            continue
        limit = _MAX_LENGTHS.get(field)
        if limit and len(text) > limit:
            problems.append(
                f"{FIELD_LABELS[field]} has {len(text)} characters; at most {limit} fit."
            )
            too_long.add(field)
            continue
        data[field] = text
    for field in ("first_name", "last_name"):  # also when they came from a full name
        limit = _MAX_LENGTHS.get(field)
        if field not in too_long and limit and len(data.get(field, "")) > limit:
            problems.append(
                f"{FIELD_LABELS[field]} has {len(data.pop(field))} characters; at most {limit} fit."
            )
            too_long.add(field)
    if not data.get("last_name") and "last_name" not in too_long:  # said once, above
        problems.append("Last name is missing.")
    if not data.get("email") and not data.get("company_name"):
        problems.append("Needs an email or a company.")
    return data, problems
