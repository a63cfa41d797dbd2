"""CSV import service: reading, mapping, row outcomes, duplicates, idempotency, progress."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from leads import imports
from leads.imports import (
    ANOTHER_OWNER,
    NOT_TEXT,
    guess_mapping,
    import_job_create,
    import_job_run,
    import_job_set_mapping,
    import_job_start,
    matching,
)
from leads.imports import run as import_run
from leads.intake.models import ImportJob
from leads.models import Lead
from salesproc.bulk import bulk_update
from salesproc.models import Event
from tests.factories import LeadFactory

from .intake_factories import HEADER, csv_bytes, csv_upload, lead_rows

pytestmark = pytest.mark.usefixtures("media_root")


def outcomes(job):
    return list(job.rows.order_by("row_number").values_list("row_number", "outcome", "reason"))


def test_it_guesses_the_mapping_from_the_headers():
    headers = ["First name", "Surname", "E-mail Address", "Organisation", "Phone number", "Notes"]
    assert guess_mapping(headers) == [
        "first_name",
        "last_name",
        "email",
        "company_name",
        "phone",
        "notes",
    ]


def test_it_maps_a_full_name_column_only_without_first_and_last_name():
    assert guess_mapping(["Name", "Email"]) == ["full_name", "email"]
    assert guess_mapping(["Name", "Last name", "Email"]) == ["", "last_name", "email"]


def test_it_imports_rows_and_reports_each_one(rep, run):
    # Given a file of three good leads
    job = run(rep, [HEADER, *lead_rows(3)])
    # Then three leads are created, owned by the importer, and the job is done
    assert job.state == "done"
    assert (job.total, job.processed, job.created, job.rejected) == (3, 3, 3, 0)
    assert job.percent == 100
    leads = Lead.objects.order_by("email")
    assert [lead.email for lead in leads] == [f"person{i}@import.test" for i in range(3)]
    assert {lead.owner for lead in leads} == {rep}
    assert {lead.source for lead in leads} == {"CSV import"}
    assert outcomes(job) == [(2, "created", ""), (3, "created", ""), (4, "created", "")]
    assert [r.lead.email for r in job.rows.order_by("row_number")] == [
        f"person{i}@import.test" for i in range(3)
    ]
    assert Event.objects.filter(name="lead.created").count() == 3
    assert Event.objects.filter(name="lead_import.finished", object_id=job.pk).count() == 1


def test_it_scores_new_leads_from_their_profile(rep, run):
    # Given the default criteria: 50-5000 employees fit the ideal customer profile
    rows = [HEADER, *lead_rows(1)]
    rows.append(["Tiny", "Shop", "tiny@shop.test", "Tiny Ltd", "Retail", "3", "Spain"])
    rows.append(["No", "Size", "nosize@x.test", "Unknown Ltd", "Retail", "", "Spain"])
    run(rep, rows)
    # Then the fitting lead scores 30, the tiny one 0, and the unknown size has no score
    scores = dict(Lead.objects.values_list("email", "score"))
    assert scores == {"person0@import.test": 30, "tiny@shop.test": 0, "nosize@x.test": None}
    fitting = Lead.objects.get(email="person0@import.test")
    working = fitting.qualifications.get(decided_at__isnull=True)
    assert working.score == 30
    assert list(working.answers.values()) == [True]


def test_it_rejects_bad_emails_and_missing_values_row_by_row(rep, run):
    rows = [
        HEADER,
        ["Ada", "Lovelace", "ada@engines.test", "Engines", "", "", ""],
        ["Bad", "Email", "not-an-email", "Acme", "", "", ""],
        ["No", "", "nolast@x.test", "Acme", "", "", ""],
        ["Nothing", "Else", "", "", "", "", ""],
        ["Many", "Staff", "staff@x.test", "Acme", "", "lots", ""],
    ]
    job = run(rep, rows)
    assert (job.created, job.rejected) == (1, 4)
    assert outcomes(job) == [
        (2, "created", ""),
        (3, "rejected", "“not-an-email” is not a valid email address."),
        (4, "rejected", "Last name is missing."),
        (5, "rejected", "Needs an email or a company."),
        (6, "rejected", "Employees “lots” is not a whole number."),
    ]
    assert list(Lead.objects.values_list("email", flat=True)) == ["ada@engines.test"]


def test_it_imports_the_first_of_duplicates_inside_the_file(rep, run, monkeypatch):
    # Given batches of two rows, and duplicates in the same and in a later batch
    monkeypatch.setattr(matching, "BATCH_SIZE", 2)
    rows = [
        HEADER,
        ["Ada", "Lovelace", "ada@x.test", "A", "", "", ""],
        ["Ada", "Lovelace", "ADA@x.test", "A", "", "", ""],
        ["Bob", "Babbage", "bob@x.test", "B", "", "", ""],
        ["Ada", "King", "ada@x.test", "A", "", "", ""],
        ["Carl", "Gauss", "", "Gauss GmbH", "", "", ""],
        ["Carl", "Gauss", "", "gauss gmbh", "", "", ""],
    ]
    job = run(rep, rows)
    # Then the first of each is created and the later ones are rejected naming the first
    assert (job.created, job.rejected, job.processed) == (3, 3, 6)
    assert outcomes(job) == [
        (2, "created", ""),
        (3, "rejected", "Same email as row 2: only the first row with an email is imported."),
        (4, "created", ""),
        (5, "rejected", "Same email as row 2: only the first row with an email is imported."),
        (6, "created", ""),
        (7, "rejected", "Same name and company as row 6: only the first is imported."),
    ]
    assert Lead.objects.count() == 3


def test_importing_the_same_file_twice_creates_nothing_new(rep, run):
    rows = [HEADER, *lead_rows(5), ["Carl", "Gauss", "", "Gauss GmbH", "", "", ""]]
    first = run(rep, rows)
    events = Event.objects.filter(name__startswith="lead.").count()
    second = run(rep, rows)
    assert (first.created, first.unchanged) == (6, 0)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 6, 0)
    assert Lead.objects.count() == 6
    assert Event.objects.filter(name__startswith="lead.").count() == events


def test_it_updates_changed_leads_and_keeps_their_owner(manager, teammate, run):
    # Given Bob's lead (in the manager's team) and a file with a new phone and size for him
    lead = LeadFactory(owner=teammate, email="known@x.test", phone="", employee_count=10)
    lead.score = 0
    lead.save()
    rows = [
        ["Email", "Last name", "Phone", "Employees"],
        ["KNOWN@x.test", lead.last_name, "+44 1", "300"],
    ]
    # When his manager imports it
    job = run(manager, rows)
    # Then the lead is updated, stays Bob's, and is scored again from its new size
    assert (job.created, job.updated) == (0, 1)
    lead.refresh_from_db()
    assert (lead.phone, lead.employee_count, lead.owner) == ("+44 1", 300, teammate)
    assert lead.score == 30
    event = Event.objects.get(name="lead.updated", object_id=lead.pk)
    assert event.data["changes"]["phone"] == ["", "+44 1"]
    assert event.data["import"] == job.pk


@pytest.mark.parametrize("owner", ["teammate", "other_rep"])
def test_it_never_touches_a_lead_the_importer_cannot_see(rep, request, owner, run):
    # Given Bob's or Charlie's lead: a rep sees only her own
    lead = LeadFactory(owner=request.getfixturevalue(owner), email="theirs@x.test", phone="")
    rows = [["Email", "Last name", "Phone"], ["theirs@x.test", "Changed", "+1"]]
    # When Alice imports the same email
    job = run(rep, rows)
    # Then her row is rejected, the lead is unchanged, and no duplicate is made
    assert outcomes(job) == [(2, "rejected", ANOTHER_OWNER)]
    lead.refresh_from_db()
    assert (lead.phone, lead.last_name == "Changed") == ("", False)
    assert Lead.objects.count() == 1


def test_a_manager_imports_for_a_team_member(manager, rep, run):
    job = run(manager, [HEADER, *lead_rows(2)], owner=rep)
    assert job.owner == rep
    assert set(Lead.objects.values_list("owner", flat=True)) == {rep.pk}


def test_a_rep_cannot_give_imported_leads_to_someone_else(rep, teammate):
    with pytest.raises(ValidationError) as caught:
        import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]), owner=teammate)
    assert caught.value.message_dict["owner"] == [
        "Imported leads are yours; only a manager or an admin can give them to someone else."
    ]


def test_it_reads_latin1_and_utf8_with_bom(rep, run):
    rows = [
        ["Vorname", "Nachname", "E-Mail", "Firma"],
        ["Jürgen", "Müller", "jm@x.test", "Bäckerei"],
    ]
    latin = run(rep, rows, encoding="latin-1")
    assert latin.encoding == "cp1252"
    bom = run(rep, [*rows[:1], ["Zoë", "Ångström", "za@x.test", "Øresund"]], encoding="utf-8-sig")
    assert bom.encoding == "utf-8-sig"
    assert bom.headers[0] == "Vorname"
    names = dict(Lead.objects.values_list("email", "last_name"))
    assert names == {"jm@x.test": "Müller", "za@x.test": "Ångström"}


def test_it_reads_semicolon_separated_files(rep, run):
    job = run(rep, [HEADER, *lead_rows(2)], delimiter=";")
    assert job.delimiter == ";"
    assert job.created == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Last name,Email\r\nA,a@x.test\r\n".encode("utf-16"), NOT_TEXT),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_TEXT),
        (b"PK\x03\x04rest-of-a-workbook", "This is a spreadsheet workbook"),
        (b"", "The file is empty."),
        (b"Last name,Email\r\n", "The file has a header row but no leads under it."),
    ],
)
def test_it_refuses_files_it_cannot_read(rep, content, message):
    upload = SimpleUploadedFile("leads.csv", content, content_type="text/csv")
    with pytest.raises(ValidationError) as caught:
        import_job_create(actor=rep, upload=upload)
    assert caught.value.message_dict["file"][0].startswith(message)
    assert ImportJob.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(rep, settings):
    settings.LEAD_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(5)]))
    assert "the limit is 0.0 MB" in caught.value.message_dict["file"][0]


def test_it_refuses_a_mapping_without_the_required_columns(rep):
    job = import_job_create(actor=rep, upload=csv_upload([["First name", "Phone"], ["Ada", "1"]]))
    with pytest.raises(ValidationError) as caught:
        import_job_set_mapping(actor=rep, job=job, mapping=job.mapping)
    assert caught.value.message_dict["mapping"] == [
        "Choose the column with the last name (or the full name).",
        "Choose the column with the email or the company: a lead needs one.",
    ]


def test_it_refuses_a_field_chosen_for_two_columns(rep):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    mapping = ["last_name", "last_name", "email", "", "", "", ""]
    with pytest.raises(ValidationError) as caught:
        import_job_set_mapping(actor=rep, job=job, mapping=mapping)
    assert caught.value.message_dict["mapping"] == [
        "Last name is chosen for 2 columns (First name, Last name): choose it once."
    ]


def test_it_previews_the_first_rows_with_their_problems(rep, other_rep, run):
    # Given person1 and person2 imported by Alice, and person3's lead owned by Charlie
    run(rep, [HEADER, *lead_rows(2, start=1)])
    Lead.objects.filter(email="person2@import.test").update(phone="+1 555")
    LeadFactory(owner=other_rep, email="person3@import.test")
    rows = [HEADER, *lead_rows(4), ["X", "Y", "bad", "Z", "", "", ""]]
    job = import_job_create(actor=rep, upload=csv_upload(rows))
    # When she previews a file with all four
    preview = imports.import_job_preview(job=job)
    # Then each row says what will happen to it
    assert [(r.row_number, r.action, r.problems) for r in preview] == [
        (2, "new", []),
        (3, "unchanged", []),
        (4, "unchanged", []),
        (5, "rejected", [ANOTHER_OWNER]),
        (6, "rejected", ["“bad” is not a valid email address."]),
    ]
    # And a changed value makes it an update
    Lead.objects.filter(email="person1@import.test").update(industry="Retail")
    assert imports.import_job_preview(job=job)[1].action == "update"


def test_starting_twice_queues_the_import_once(rep, django_capture_on_commit_callbacks):
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(1)]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_job_start(actor=rep, job=job)
        import_job_start(actor=rep, job=job)
    enqueued = [c for c in callbacks if "import_job_start" in c.__qualname__]
    assert len(enqueued) == 1


def test_running_a_finished_job_again_does_nothing(rep, run):
    job = run(rep, [HEADER, *lead_rows(2)])
    assert import_job_run(job_id=job.pk) is None
    assert Lead.objects.count() == 2
    assert job.rows.count() == 2


def test_it_resumes_a_run_whose_worker_died(rep, run, monkeypatch):
    # Given an import whose worker died after the first batch of two rows
    monkeypatch.setattr(matching, "BATCH_SIZE", 2)
    run(rep, [HEADER, *lead_rows(2)])  # rows 2 and 3 of the next file are known already
    job = import_job_create(actor=rep, upload=csv_upload([HEADER, *lead_rows(4)]))
    ImportJob.objects.filter(pk=job.pk).update(state="queued")
    original = import_run._write_batch
    calls = []

    def die_after_first(context, batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return original(context, batch)

    monkeypatch.setattr(import_run, "_write_batch", die_after_first)
    with pytest.raises(SystemExit):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.processed) == ("running", 2)
    # When another worker takes over once the heartbeat is stale
    monkeypatch.setattr(import_run, "_write_batch", original)
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=job.heartbeat_at - imports.STALE_AFTER * 2
    )
    import_job_run(job_id=job.pk)
    # Then it goes on after row 3: four rows, each with one result, no lead twice
    job.refresh_from_db()
    assert (job.state, job.processed, job.unchanged, job.created) == ("done", 4, 2, 2)
    assert [r[0] for r in outcomes(job)] == [2, 3, 4, 5]
    assert Lead.objects.count() == 4


def test_the_report_is_the_file_with_outcomes(rep, run):
    rows = [HEADER, *lead_rows(1), ["Bad", "Email", "nope", "Acme", "", "", ""]]
    job = run(rep, rows)
    lead = Lead.objects.get()
    report = list(imports.import_report_rows(job))
    assert report == [
        [*HEADER, "Import outcome", "Reason", "Lead id"],
        [*lead_rows(1)[0], "created", "", lead.pk],
        [
            "Bad",
            "Email",
            "nope",
            "Acme",
            "",
            "",
            "",
            "rejected",
            "“nope” is not a valid email address.",
            "",
        ],
    ]


def test_blank_rows_are_skipped(rep, run):
    content = (
        csv_bytes([HEADER, *lead_rows(1)]) + b",,,,,,\r\n\r\n" + csv_bytes(lead_rows(1, start=1))
    )
    upload = SimpleUploadedFile("gaps.csv", content, content_type="text/csv")
    job = run(rep, upload)
    assert (job.total, job.created) == (2, 2)
    assert [r[0] for r in outcomes(job)] == [2, 5]


@pytest.mark.parametrize("history", ["none", "working", "decided"])
def test_bulk_rescoring_matches_lead_apply_profile_rules(rep, history):
    """The import rescores thousands of leads at once; it must agree with the service."""
    from leads import services
    from leads.selectors import current_criteria

    criteria = current_criteria()
    decision_maker = next(spec for spec in criteria if spec.answer_type == "choice")
    twins = []
    for name in ("service", "bulk"):
        lead = services.lead_create(
            actor=rep,
            data={
                "last_name": name,
                "email": f"{name}@twin.test",
                "employee_count": None if history == "none" else 10,
            },
            owner=rep,
        )
        if history == "decided":
            services.lead_keep_working(actor=rep, lead=lead, answers={decision_maker.id: "signs"})
        twins.append(Lead.objects.get(pk=lead.pk))
    service_lead, bulk_lead = twins
    # When both get a company size in the ideal profile, one through the service, one in bulk
    for lead in twins:
        lead.employee_count = 300
        lead.save(update_fields=["employee_count"])
    services.lead_apply_profile_rules(lead=service_lead, actor=rep)
    scored = imports.rescore_from_profile(criteria, [bulk_lead])
    bulk_update(Lead, [lead for lead, _ in scored], ["score"])
    # Then score, answers, results and verdict are the same
    service_lead.refresh_from_db()
    bulk_lead.refresh_from_db()
    assert bulk_lead.score == service_lead.score
    a = service_lead.qualifications.get(decided_at__isnull=True)
    b = bulk_lead.qualifications.get(decided_at__isnull=True)
    assert (b.answers, b.results, b.score, b.verdict, b.version_id) == (
        a.answers,
        a.results,
        a.score,
        a.verdict,
        a.version_id,
    )
