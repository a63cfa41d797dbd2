"""/api/v1/lead-imports/: upload with a mapping, follow progress, read the rows."""

import json

import pytest

from leads.intake.models import ImportJob
from leads.models import Lead

from .intake_factories import HEADER, csv_upload, lead_rows

pytestmark = pytest.mark.usefixtures("media_root")


def create(api, rows, capture, **extra):
    with capture(execute=True):
        return api.post(
            "/api/v1/lead-imports/", {"file": csv_upload(rows), **extra}, format="multipart"
        )


def test_it_accepts_a_file_with_a_mapping_and_imports_it(
    rep, api_as, django_capture_on_commit_callbacks
):
    api = api_as(rep)
    rows = [["Mail", "Who", "Org"], ["a@x.test", "Ada", "A"], ["bad", "Bob", "B"]]
    mapping = {"Mail": "email", "Who": "last_name", "Org": "company_name"}
    response = create(api, rows, django_capture_on_commit_callbacks, mapping=json.dumps(mapping))
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/lead-imports/{job_id}/"
    detail = api.get(f"/api/v1/lead-imports/{job_id}/").json()
    assert detail["state"] == "done"
    assert (detail["total"], detail["processed"], detail["percent"]) == (2, 2, 100)
    assert (detail["created"], detail["rejected"]) == (1, 1)
    assert detail["mapping"] == ["email", "last_name", "company_name"]
    rows = api.get(f"/api/v1/lead-imports/{job_id}/rows/").json()
    lead = Lead.objects.get()
    assert rows["results"] == [
        {"row_number": 2, "outcome": "created", "reason": "", "lead": lead.pk},
        {
            "row_number": 3,
            "outcome": "rejected",
            "reason": "“bad” is not a valid email address.",
            "lead": None,
        },
    ]
    rejected = api.get(f"/api/v1/lead-imports/{job_id}/rows/?outcome=rejected").json()
    assert [r["row_number"] for r in rejected["results"]] == [3]


def test_it_guesses_the_mapping_when_none_is_given(rep, api_as, django_capture_on_commit_callbacks):
    response = create(api_as(rep), [HEADER, *lead_rows(3)], django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert response.json()["mapping"][:3] == ["first_name", "last_name", "email"]
    assert Lead.objects.count() == 3


@pytest.mark.parametrize(
    ("mapping", "errors"),
    [
        (
            {"Nope": "email"},
            {
                "mapping": [
                    "No column named “Nope” in the file. Its columns are: First name, Last name, E-mail, Company, Industry, Employees, Country."
                ]
            },
        ),
        (
            {"First name": "first_name"},
            {
                "mapping": [
                    "Choose the column with the last name (or the full name).",
                    "Choose the column with the email or the company: a lead needs one.",
                ]
            },
        ),
        (
            {"E-mail": "shoe_size", "Last name": "last_name"},
            {
                "mapping": [
                    "Not lead fields: shoe_size.",
                    "Choose the column with the email or the company: a lead needs one.",
                ]
            },
        ),
        ("[1, 2]", None),
    ],
)
def test_it_refuses_a_bad_mapping_and_keeps_nothing(
    rep, api_as, mapping, errors, django_capture_on_commit_callbacks, tmp_path
):
    body = mapping if isinstance(mapping, str) else json.dumps(mapping)
    response = create(
        api_as(rep), [HEADER, *lead_rows(1)], django_capture_on_commit_callbacks, mapping=body
    )
    assert response.status_code == 400
    if errors:
        assert response.json() == errors
    assert ImportJob.objects.count() == 0
    assert list(tmp_path.rglob("*.csv")) == []


def test_it_refuses_a_file_that_is_not_text(rep, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_as(rep).post(
        "/api/v1/lead-imports/",
        {"file": SimpleUploadedFile("x.csv", b"\x00\x00binary")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("The file is not UTF-8 or Latin-1 text.")


def test_another_users_import_is_404(rep, teammate, api_as, django_capture_on_commit_callbacks):
    job_id = create(
        api_as(rep), [HEADER, *lead_rows(1)], django_capture_on_commit_callbacks
    ).json()["id"]
    other = api_as(teammate)
    assert other.get(f"/api/v1/lead-imports/{job_id}/").status_code == 404
    assert other.get(f"/api/v1/lead-imports/{job_id}/rows/").status_code == 404
    assert other.get("/api/v1/lead-imports/").json()["count"] == 0


def test_an_admin_sees_every_import(rep, admin, api_as, django_capture_on_commit_callbacks):
    job_id = create(
        api_as(rep), [HEADER, *lead_rows(1)], django_capture_on_commit_callbacks
    ).json()["id"]
    assert api_as(admin).get(f"/api/v1/lead-imports/{job_id}/").status_code == 200


def test_a_role_without_lead_qualification_is_refused(other_rep, api_as):
    response = api_as(other_rep).get("/api/v1/lead-imports/")
    assert response.status_code == 403


def test_a_rep_cannot_import_for_someone_else(
    rep, teammate, api_as, django_capture_on_commit_callbacks
):
    response = create(
        api_as(rep), [HEADER, *lead_rows(1)], django_capture_on_commit_callbacks, owner=teammate.pk
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    assert Lead.objects.count() == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_has_a_constant_number_of_queries(
    rep, api_as, count, django_assert_max_num_queries
):
    ImportJob.objects.bulk_create(
        [
            ImportJob(original_name=f"f{i}.csv", file=f"x/{i}.csv", created_by=rep, owner=rep)
            for i in range(count)
        ]
    )
    api = api_as(rep)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/lead-imports/")
    assert response.json()["count"] == count
