"""Messages about a lead's values say each problem once, plainly."""

from leads.intake.values import clean_lead_values


def test_a_very_long_surname_is_one_clear_problem():
    data, problems = clean_lead_values({"last_name": "x" * 400, "email": "ann@example.com"})
    assert problems == ["Last name has 400 characters; at most 100 fit."]
    assert "last_name" not in data


def test_a_full_name_with_a_very_long_surname_is_refused_too():
    data, problems = clean_lead_values({"full_name": "Ann " + "y" * 150, "company_name": "Acme"})
    assert problems == ["Last name has 150 characters; at most 100 fit."]


def test_a_missing_surname_is_still_said():
    _, problems = clean_lead_values({"email": "ann@example.com"})
    assert problems == ["Last name is missing."]
