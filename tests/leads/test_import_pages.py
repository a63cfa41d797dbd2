"""The CSV import wizard in the browser: upload, map, preview, progress, report."""

import pytest
from django.urls import reverse

from leads.imports import import_job_create
from leads.intake.models import ImportJob
from leads.models import Lead

from .intake_factories import HEADER, csv_upload, lead_rows

pytestmark = pytest.mark.usefixtures("media_root")


def upload(client, rows, name="leads.csv", **kwargs):
    return client.post(
        reverse("leads:import_upload"), {"file": csv_upload(rows, name=name, **kwargs)}
    )


def test_it_walks_through_upload_mapping_preview_and_report(
    client, rep, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    # Step 1: upload
    response = upload(client, [HEADER, *lead_rows(2), ["Bad", "Row", "nope", "X", "", "", ""]])
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:import_map", args=[job.pk])
    # Step 2: the mapping page shows the guesses and the first values
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"person0@import.test" in page.content
    assert b'<option value="email" selected>' in page.content
    data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
    response = client.post(response["Location"], {**data, "source": "Trade show"})
    assert response["Location"] == reverse("leads:import_preview", args=[job.pk])
    # Step 3: preview with the problem of row 4
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "“nope” is not a valid email address." in page.content.decode()
    assert b"1 of these rows will be rejected" in page.content
    # Step 4: start; the task runs on commit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leads:import_preview", args=[job.pk]))
    assert response["Location"] == reverse("leads:import_detail", args=[job.pk])
    # Step 5: the report
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Download the report (CSV)" in text
    assert "“nope” is not a valid email address." in text
    assert set(Lead.objects.values_list("source", flat=True)) == {"Trade show"}
    csv_response = client.get(reverse("leads:import_report_csv", args=[job.pk]))
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="leads-import-report.csv"' in csv_response["Content-Disposition"]
    assert body.splitlines()[0].endswith("Import outcome,Reason,Lead id")
    assert body.splitlines()[3].startswith("Bad,Row,nope,X,,,,rejected,")


def test_it_shows_a_clear_error_for_a_file_that_is_not_text(client, rep):
    client.force_login(rep)
    from django.core.files.uploadedfile import SimpleUploadedFile

    binary = SimpleUploadedFile("leads.csv", b"\x00\x01\x02binary", content_type="text/csv")
    response = client.post(reverse("leads:import_upload"), {"file": binary})
    assert response.status_code == 200
    assert "The file is not UTF-8 or Latin-1 text." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_mapping_page_says_what_is_missing(client, rep):
    client.force_login(rep)
    upload(client, [["First name", "Phone"], ["Ada", "1"]])
    job = ImportJob.objects.get()
    response = client.post(
        reverse("leads:import_map", args=[job.pk]),
        {"col_0": "first_name", "col_1": "phone", "source": "x"},
    )
    assert response.status_code == 200
    assert "Choose the column with the last name (or the full name)." in response.content.decode()
    job.refresh_from_db()
    assert job.state == "draft"


def test_the_progress_partial_polls_until_done_then_reloads(client, rep):
    client.force_login(rep)
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(4)]))
    ImportJob.objects.filter(pk=job.pk).update(state="running", total=4, processed=2, created=2)
    url = reverse("leads:import_progress", args=[job.pk])
    # While running: the partial re-polls each second and says how far it is
    response = client.get(url, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "Importing row 2 of 4" in text
    assert 'aria-valuenow="50"' in text
    # Once done: htmx reloads the page, which shows the report
    ImportJob.objects.filter(pk=job.pk).update(state="done", processed=4)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_the_detail_page_polls_while_the_import_runs(client, rep):
    client.force_login(rep)
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    ImportJob.objects.filter(pk=job.pk).update(state="queued")
    response = client.get(reverse("leads:import_detail", args=[job.pk]))
    assert b"Waiting for a worker" in response.content
    assert reverse("leads:import_progress", args=[job.pk]).encode() in response.content


@pytest.mark.parametrize(
    "name",
    ["import_map", "import_preview", "import_detail", "import_progress", "import_report_csv"],
)
def test_another_users_import_is_404(client, rep, teammate, name):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    client.force_login(teammate)
    assert client.get(reverse(f"leads:{name}", args=[job.pk])).status_code == 404


def test_another_user_cannot_start_or_delete_my_import(client, rep, teammate):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    client.force_login(teammate)
    assert client.post(reverse("leads:import_preview", args=[job.pk])).status_code == 404
    assert client.post(reverse("leads:import_delete", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == "draft"


def test_an_admin_sees_every_import(client, rep, admin):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    client.force_login(admin)
    assert client.get(reverse("leads:import_map", args=[job.pk])).status_code == 200
    assert job.original_name.encode() in client.get(reverse("leads:import_list")).content


def test_a_role_without_lead_qualification_cannot_import(client, other_rep):
    # Charlie is a key-account manager: his role does not run lead qualification
    client.force_login(other_rep)
    response = client.get(reverse("leads:import_upload"))
    assert response.status_code == 403
    assert b"Lead qualification" in response.content


def test_discarding_an_upload_deletes_the_job_and_its_file(client, rep, settings):
    client.force_login(rep)
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    path = job.file.path
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("leads:import_delete", args=[job.pk]))
    assert response.status_code == 302
    assert ImportJob.objects.count() == 0
    import os

    assert not os.path.exists(path)


@pytest.mark.parametrize("count", [3, 30])
def test_the_import_list_has_a_constant_number_of_queries(
    client, rep, count, django_assert_max_num_queries
):
    jobs = [
        ImportJob(
            original_name=f"file{i}.csv",
            file=f"lead-imports/f{i}.csv",
            created_by=rep,
            owner=rep,
            state="done",
            created=i,
        )
        for i in range(count)
    ]
    ImportJob.objects.bulk_create(jobs)
    client.force_login(rep)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("leads:import_list"))
    assert response.status_code == 200
    assert response.content.count(b"file") >= min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_the_report_page_has_a_constant_number_of_queries(
    client, rep, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(rep)
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(count)]))
    from leads.imports import import_job_start

    with django_capture_on_commit_callbacks(execute=True):
        import_job_start(actor=rep, job=job)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("leads:import_detail", args=[job.pk]) + "?outcome=")
    assert response.status_code == 200


def test_a_manager_chooses_the_owner_at_the_mapping_step(client, manager, rep, other_rep):
    client.force_login(manager)
    upload(client, [HEADER, *lead_rows(1)])
    job = ImportJob.objects.get()
    page = client.get(reverse("leads:import_map", args=[job.pk])).content.decode()
    assert 'name="owner"' in page
    assert "Alice" in page and "Charlie" not in page  # only people in the manager's team
    data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
    response = client.post(
        reverse("leads:import_map", args=[job.pk]), {**data, "source": "Event", "owner": rep.pk}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.owner, job.source) == (rep, "Event")
    refused = client.post(
        reverse("leads:import_map", args=[job.pk]),
        {**data, "source": "Event", "owner": other_rep.pk},
    )
    assert refused.status_code == 200
    job.refresh_from_db()
    assert job.owner == rep


def test_a_rep_is_not_offered_an_owner(client, rep):
    client.force_login(rep)
    upload(client, [HEADER, *lead_rows(1)])
    job = ImportJob.objects.get()
    page = client.get(reverse("leads:import_map", args=[job.pk])).content.decode()
    assert 'name="owner"' not in page
    assert "New leads will be yours." in page
