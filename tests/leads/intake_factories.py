"""Factories and helpers for intake-form and CSV-import tests."""

import csv
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.intake.models import IntakeForm


class IntakeFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeForm

    name = factory.Sequence(lambda n: f"Website form {n}")
    source = "Website"
    allowed_fields = factory.LazyFunction(
        lambda: ["first_name", "last_name", "email", "phone", "job_title", "company_name"]
    )
    aliases = factory.LazyFunction(dict)
    is_active = True


def csv_bytes(rows, *, encoding="utf-8", delimiter=","):
    """rows: list of lists, the first one the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def csv_upload(rows, *, name="leads.csv", **kwargs):
    return SimpleUploadedFile(name, csv_bytes(rows, **kwargs), content_type="text/csv")


HEADER = ["First name", "Last name", "E-mail", "Company", "Industry", "Employees", "Country"]


def lead_rows(count, *, start=0):
    return [
        [
            f"First{i}",
            f"Last{i}",
            f"person{i}@import.test",
            f"Company {i}",
            "Software",
            "250",
            "United Kingdom",
        ]
        for i in range(start, start + count)
    ]
