"""Login brute force (issue 8, item 8): lockout per username and per address on the
login form, the token endpoint and the password-reset form; an admin unlocks."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from salesproc.client import client_address
from salesproc.models import Event, LoginFailure

LOCKED = "Too many failed log-ins"


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    settings.PASSWORD_RESETS_PER_EMAIL = 2
    settings.LOGIN_LOCKOUT_MINUTES = 15
    return settings


@pytest.mark.django_db
def test_it_locks_a_username_out_after_repeated_failures_even_with_the_right_password(
    client, rep, limits
):
    for _ in range(3):
        response = login(client, "alice", "wrong")
        assert response.status_code == 200

    response = login(client, "alice", "pw")

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_locks_a_username_out_from_another_address_too(client, rep, limits):
    for n in range(3):
        login(client, "alice", "wrong", REMOTE_ADDR=f"10.0.0.{n}")

    response = login(client, "alice", "pw", REMOTE_ADDR="10.9.9.9")

    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_locks_an_address_out_across_usernames(client, rep, teammate, limits):
    for n in range(5):
        login(client, f"guess{n}", "wrong", REMOTE_ADDR="10.1.1.1")

    blocked = login(client, "bob", "pw", REMOTE_ADDR="10.1.1.1")
    assert "Too many failed log-ins from your address" in blocked.content.decode()
    assert "_auth_user_id" not in client.session

    other = login(client, "bob", "pw", REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_forgets_the_username_failures(client, rep, limits):
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", "pw").status_code == 302
    client.logout()

    login(client, "alice", "wrong")
    login(client, "alice", "wrong")

    assert login(client, "alice", "pw").status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_lockout_period(client, rep, limits):
    from datetime import timedelta

    for _ in range(3):
        login(client, "alice", "wrong")
    LoginFailure.objects.update(
        created_at=LoginFailure.objects.first().created_at - timedelta(minutes=16)
    )

    assert login(client, "alice", "pw").status_code == 302


@pytest.mark.django_db
def test_the_token_endpoint_shares_the_lockout(rep, limits):
    api = APIClient()
    for _ in range(3):
        response = api.post(
            "/api/v1/auth/token/", {"username": "alice", "password": "no"}, format="json"
        )
        assert response.status_code == 400

    response = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
    )

    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_failures_on_the_form_lock_the_token_endpoint(client, rep, limits):
    for _ in range(3):
        login(client, "alice", "wrong")

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
    )

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_django_admin_login_is_locked_too(client, admin, limits):
    for _ in range(3):
        client.post("/django-admin/login/", {"username": "root", "password": "wrong"})

    response = client.post(
        "/django-admin/login/?next=/django-admin/", {"username": "root", "password": "pw"}
    )

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_password_reset_form_sends_an_email_and_is_limited(client, rep, limits):
    first = client.post("/password/reset/", {"email": "alice@example.test"})
    assert first.status_code == 302
    assert len(mail.outbox) == 1
    assert "/password/reset/" in mail.outbox[0].body
    client.post("/password/reset/", {"email": "alice@example.test"})

    third = client.post("/password/reset/", {"email": "alice@example.test"})

    assert third.status_code == 200
    assert "Too many password reset requests" in third.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_password_reset_form_is_limited_per_address(client, rep, limits):
    for n in range(3):
        client.post("/password/reset/", {"email": f"nobody{n}@example.test"})

    response = client.post("/password/reset/", {"email": "alice@example.test"})

    assert "Too many password reset requests" in response.content.decode()
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_a_user_resets_a_forgotten_password_by_email(client, rep):
    import re

    client.post("/password/reset/", {"email": "alice@example.test"})
    link = re.search(r"http://[^/]+(/password/reset/[^\s]+)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-Secret-42", "new_password2": "a-new-Secret-42"},
    )

    assert done.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("a-new-Secret-42")


@pytest.mark.django_db
def test_an_admin_sees_and_unlocks_a_locked_username_in_settings(client, rep, admin, limits):
    for _ in range(3):
        login(client, "alice", "wrong", REMOTE_ADDR="10.3.3.3")
    client.force_login(admin)

    page = client.get("/settings/lockouts/")
    assert page.status_code == 200
    assert "alice" in page.content.decode()
    response = client.post("/settings/lockouts/unlock/", {"username": "alice"})

    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="alice").exists()
    event = Event.objects.get(name="login.unlocked")
    assert event.actor == admin
    assert event.data == {"username": "alice", "address": ""}
    client.logout()
    assert login(client, "alice", "pw").status_code == 302


@pytest.mark.django_db
def test_an_admin_unlocks_an_address(client, admin, limits):
    for n in range(5):
        login(client, f"guess{n}", "wrong", REMOTE_ADDR="10.4.4.4")
    client.force_login(admin)

    client.post("/settings/lockouts/unlock/", {"address": "10.4.4.4"})

    assert not LoginFailure.objects.filter(address="10.4.4.4").exists()


@pytest.mark.django_db
def test_a_rep_cannot_open_or_use_the_unlock_page(client, rep, teammate, limits):
    for _ in range(3):
        login(client, "bob", "wrong")
    client.force_login(rep)

    assert client.get("/settings/lockouts/").status_code == 404
    assert client.post("/settings/lockouts/unlock/", {"username": "bob"}).status_code == 404
    assert LoginFailure.objects.filter(username="bob").count() == 3


@pytest.mark.django_db
def test_django_admin_unlocks_with_an_action(client, admin, limits):
    for _ in range(3):
        login(client, "carol", "wrong")
    client.force_login(admin)
    ids = list(LoginFailure.objects.values_list("pk", flat=True))

    response = client.post(
        "/django-admin/salesproc/loginfailure/",
        {"action": "unlock", "_selected_action": ids},
    )

    assert response.status_code == 302
    assert not LoginFailure.objects.exists()


# -- the client address ----------------------------------------------------------------


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's word, ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # one proxy appended the real address
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: not via them
        (1, None, "10.0.0.1"),
    ],
)
def test_it_reads_the_client_address_through_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies

    assert client_address(FakeRequest("10.0.0.1", forwarded)) == expected


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_escape_the_address_lockout(client, limits):
    for n in range(5):
        login(
            client, f"guess{n}", "wrong", REMOTE_ADDR="10.5.5.5", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        )

    assert LoginFailure.objects.filter(address="10.5.5.5").count() == 5


@pytest.mark.django_db
def test_the_token_throttle_ignores_a_spoofed_forwarded_for(rep, settings):
    from salesproc.api import LoginThrottle

    throttle = LoginThrottle()

    class R:
        META = {"REMOTE_ADDR": "10.6.6.6", "HTTP_X_FORWARDED_FOR": "9.9.9.9"}

    settings.TRUSTED_PROXIES = 0
    assert throttle.get_ident(R) == "10.6.6.6"
    settings.TRUSTED_PROXIES = 1
    assert throttle.get_ident(R) == "9.9.9.9"
