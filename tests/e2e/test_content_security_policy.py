"""In a real browser, with the Content-Security-Policy on: no page trips it, shared
behaviours declared in markup (confirm before submit, submit on change) still work."""

from playwright.sync_api import expect

from tests.factories import DealFactory


def watch_policy(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def test_pages_run_their_scripts_under_the_policy(page, live_server, login, rep):
    DealFactory(owner=rep, name="Acme renewal")
    violations = watch_policy(page)
    login(page, live_server, rep.username)

    for path in ("/", "/deals/board/", "/deals/", "/calls/", "/notifications/", "/api/docs/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")

    expect(page.locator("#swagger-ui .info")).to_be_visible()
    assert violations == []


def test_a_confirm_form_asks_before_it_submits(page, live_server, login, admin):
    login(page, live_server, admin.username)
    page.goto(live_server.url + "/leads/criteria/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    before = page.url

    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)

    assert len(asked) == 1
    assert asked[0].startswith(("Remove", "Replace the current criteria"))
    assert page.url == before
