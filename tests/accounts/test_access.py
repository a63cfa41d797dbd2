"""Issue 9: one access function per record, used by every accounts view and viewset."""

import pytest
from django.http import Http404

from accounts.selectors import get_account_for_user, get_contact_for_user
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "visible"),
    [("rep", True), ("manager", True), ("admin", True), ("teammate", False), ("other_rep", False)],
)
def test_get_account_for_user_follows_visibility(request, rep, persona, visible):
    account = AccountFactory(owner=rep)
    user = request.getfixturevalue(persona)

    if visible:
        assert get_account_for_user(user, account.pk) == account
    else:
        with pytest.raises(Http404):
            get_account_for_user(user, account.pk)


@pytest.mark.django_db
def test_get_contact_for_user_answers_404_for_missing_hidden_and_binned(rep, other_rep):
    from accounts import services

    mine = ContactFactory(owner=rep)
    theirs = ContactFactory(owner=other_rep)
    binned = ContactFactory(owner=rep)
    services.contact_delete(actor=rep, contact=binned)

    assert get_contact_for_user(rep, mine.pk) == mine
    for pk in (theirs.pk, binned.pk, 999999, "nope"):
        with pytest.raises(Http404):
            get_contact_for_user(rep, pk)


@pytest.mark.django_db
def test_views_and_viewsets_use_the_access_functions(monkeypatch, client, api_as, rep):
    from accounts import selectors

    account = AccountFactory(owner=rep)
    contact = ContactFactory(owner=rep, account=account)
    calls = []
    for name in ("get_account_for_user", "get_contact_for_user"):
        original = getattr(selectors, name)
        monkeypatch.setattr(
            selectors,
            name,
            lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k),
        )
    client.force_login(rep)

    for url in (
        f"/accounts/companies/{account.pk}/",
        f"/accounts/companies/{account.pk}/edit/",
        f"/accounts/companies/{account.pk}/delete/",
        f"/accounts/contacts/{contact.pk}/",
        f"/accounts/contacts/{contact.pk}/edit/",
        f"/accounts/contacts/{contact.pk}/delete/",
    ):
        assert client.get(url).status_code == 200
    assert api_as(rep).get(f"/api/v1/accounts/{account.pk}/").status_code == 200
    assert api_as(rep).get(f"/api/v1/contacts/{contact.pk}/").status_code == 200

    assert calls == ["get_account_for_user"] * 3 + ["get_contact_for_user"] * 3 + [
        "get_account_for_user",
        "get_contact_for_user",
    ]


def test_account_and_contact_fields_are_defined_once():
    from accounts import api, forms, services

    assert forms.AccountForm._meta.fields is services.ACCOUNT_FIELDS
    assert forms.ContactForm._meta.fields is services.CONTACT_FIELDS
    assert set(services.ACCOUNT_FIELDS) <= set(api.AccountSerializer.Meta.fields)
    assert set(services.CONTACT_FIELDS) <= set(api.ContactSerializer.Meta.fields)
