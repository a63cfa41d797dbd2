"""Every asset is served locally: no rendered page and no file in static/ or templates/
makes a browser fetch anything from an outside host (DESIGN.md: no CDN, works offline).

Plain links a person clicks (`<a href>`) may point outside when they are user data, such
as an account's website; nothing loaded by the page itself may.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import AccountFactory, ContactFactory

LOCAL_HOSTS = {"testserver", "localhost", "127.0.0.1", "[::1]"}
URL_ATTRIBUTES = {
    "src",
    "href",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "manifest",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
}
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//([^/\s"'`)<>,;]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*|@import\s+)["']?([^"')\s;]+)""", re.IGNORECASE)
WEBSITE = "https://globex.example/about"


def outside_host(url):
    """The host a URL points at if it is absolute and not this server, else None."""
    match = ABSOLUTE_URL.match(url.strip())
    if not match:
        return None
    host = match.group(1).rsplit("@", 1)[-1]
    host = host if host.startswith("[") else host.split(":", 1)[0]
    return None if host.lower() in LOCAL_HOSTS else host


class _OutsideReferences(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loaded = []  # (tag, attribute, url): fetched by the browser itself
        self.links = []  # urls of <a href>: followed only when a person clicks
        self._in = None

    def handle_starttag(self, tag, attrs):
        self._in = tag if tag in ("style", "script") else None
        for name, value in attrs:
            if not value:
                continue
            if name == "style":
                self._css(tag, value)
            if name not in URL_ATTRIBUTES:
                continue
            candidates = [part.split()[0] for part in value.split(",") if part.strip()]
            for url in candidates if name == "srcset" else [value]:
                if outside_host(url):
                    target = self.links if (tag, name) == ("a", "href") else self.loaded
                    target.append(url if target is self.links else (tag, name, url))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self._css("style", data)
        elif self._in == "script":
            for match in re.finditer(r"""["'`]((?:https?:)?//[^"'`\s]+)""", data):
                if outside_host(match.group(1)):
                    self.loaded.append(("script", "text", match.group(1)))

    def _css(self, tag, text):
        for match in CSS_URL.finditer(text):
            if outside_host(match.group(1)):
                self.loaded.append((tag, "css", match.group(1)))


def references(html):
    parser = _OutsideReferences()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def pages(admin, rep):
    account = AccountFactory(name="Globex", website=WEBSITE, domain="globex.example", owner=rep)
    contact = ContactFactory(account=account, owner=rep, email="hank@globex.example")
    return [
        "/",
        "/accounts/companies/",
        "/accounts/companies/?q=glo&sort=-name",
        f"/accounts/companies/{account.pk}/",
        "/accounts/companies/new/",
        f"/accounts/companies/{account.pk}/edit/",
        f"/accounts/companies/{account.pk}/delete/",
        "/accounts/contacts/",
        f"/accounts/contacts/{contact.pk}/",
        "/accounts/contacts/new/",
        "/settings/",
        "/settings/roles/",
        f"/settings/roles/{admin.role.pk}/",
        "/settings/teams/",
        "/notifications/",
        "/password/change/",
        "/api/docs/",
    ]


def test_it_renders_every_main_page_without_an_outside_host(client, admin, pages):
    # Given an admin, who sees every page and every record
    client.force_login(admin)
    for url in pages:
        # When the page is rendered
        response = client.get(url)
        assert response.status_code == 200, url

        # Then nothing it loads comes from another host, and its only outside link is the
        # account's own website (user data)
        found = references(response.content.decode())
        assert found.loaded == [], url
        assert set(found.links) <= {WEBSITE}, url


def test_it_links_to_the_accounts_website_as_a_plain_link(client, admin, pages):
    client.force_login(admin)
    account_page = next(url for url in pages if re.fullmatch(r"/accounts/companies/\d+/", url))

    found = references(client.get(account_page).content.decode())

    assert found.links == [WEBSITE]


def test_it_renders_the_login_page_without_an_outside_host(client, db):
    response = client.get("/login/")

    assert response.status_code == 200
    found = references(response.content.decode())
    assert found.loaded == []
    assert found.links == []


def test_it_keeps_swagger_ui_from_calling_the_online_validator(client, admin):
    # Swagger UI sends the schema's address to validator.swagger.io unless told not to.
    client.force_login(admin)

    html = client.get("/api/docs/").content.decode()
    # The page's settings are in its own script file (no inline script: CSP).
    script_url = re.findall(r'<script src="([^"]*script=[^"]*)"', html)[-1].replace("&amp;", "&")
    script = client.get(script_url).content.decode()

    assert re.search(r'"validatorUrl":\s*null', script), (
        'settings: SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}'
    )


def test_it_finds_what_the_checker_is_meant_to_find():
    # Given markup that loads from elsewhere in each way a page can
    html = (
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="//cdn.example/htmx.js"></script>'
        '<img srcset="/static/a.png 1x, https://img.example/b.png 2x">'
        '<div style="background: url(https://img.example/c.png)"></div>'
        "<style>@import 'https://fonts.example/f.css';</style>"
        '<form action="http://evil.example/post"></form>'
        '<a href="https://docs.example/">docs</a>'
        '<a href="http://testserver/accounts/">here</a><img src="/static/ok.png">'
    )

    found = references(html)

    assert [host for _, _, host in found.loaded] == [
        "https://cdn.example/x.css",
        "//cdn.example/htmx.js",
        "https://img.example/b.png",
        "https://img.example/c.png",
        "https://fonts.example/f.css",
        "http://evil.example/post",
    ]
    assert found.links == ["https://docs.example/"]


def _source_files():
    for folder in ("static", "templates"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.is_file() and path.suffix in {".html", ".css", ".js", ".svg", ".txt", ".json"}:
                yield path


def test_it_keeps_static_files_and_templates_free_of_outside_hosts():
    # Given every stylesheet, script, image and template we ship
    offenders = []
    for path in _source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        # XML namespaces (xmlns="http://www.w3.org/2000/svg") name a vocabulary; nothing
        # is fetched from them.
        text = re.sub(r"""xmlns(?::\w+)?=["'][^"']*["']""", "", text)
        found = references(text) if path.suffix in {".html", ".svg"} else None
        if found is not None:
            offenders += [f"{path}: {tag} {attr} {url}" for tag, attr, url in found.loaded]
            # Outside links written into a template are allowed only as plain links.
            linked = set(found.links)
        else:
            linked = set()
        for match in re.finditer(
            r"""(?<![\w{])(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s"'`)<>]*""", text
        ):
            url = match.group(0)
            if outside_host(url) and url not in linked:
                offenders.append(f"{path}: {url}")

    # Then nothing in them points a browser at another host
    assert sorted(set(offenders)) == []
