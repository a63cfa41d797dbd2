"""Small middlewares of our own: security headers and query strings a page can't use."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse, QueryDict

# Characters no search or filter can hold: PostgreSQL refuses NUL in a text value, and
# the other control characters are never typed by a person.
REFUSED_CHARACTERS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
QUERY_STRING_MESSAGE = (
    "Part of the search or filter contained characters that can't be searched for; "
    "they were left out."
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def _clean(value):
    return "".join(ch for ch in value if ch not in REFUSED_CHARACTERS)


class QueryStringMiddleware:
    """A query string with a NUL (or another control character) never reaches a view.

    Pages get the list without those characters and a message saying so; the API answers
    400 with a field message, like any other bad input.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {
                key
                for key, values in request.GET.lists()
                for item in (key, *values)
                if any(ch in REFUSED_CHARACTERS for ch in item)
            }
        )
        if bad:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        _clean(key) or "query": [
                            "Contains characters that can't be searched for (such as NUL)."
                        ]
                        for key in bad
                    },
                    status=400,
                )
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(_clean(key), [_clean(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()
            if hasattr(request, "_messages"):
                messages.warning(request, QUERY_STRING_MESSAGE)
        return self.get_response(request)
