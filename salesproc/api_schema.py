"""The OpenAPI schema an integrator reads alone (drf-spectacular, /api/docs/).

`CrmAutoSchema` names every operation (a summary derived from the resource and action when
the view gives none) and `postprocess` tags each resource with its description, and lists
on every operation the errors it can answer (400 with field errors, 401, 404 for records
the caller may not see, 409 for a stale version) unless the view documented its own.
"""

from drf_spectacular.openapi import AutoSchema

API_PREFIX = "/api/v1/"

DESCRIPTION = """
The REST API of **salesproc**, the CRM built around the seven sales processes.
[Back to the app](/) · [Raw schema](/api/schema/)

## Authentication

Every endpoint except `POST /api/v1/auth/token/` (and the public intake forms) needs a
signed-in caller, one of:

* **Token** (for scripts and integrations). Get a token once with your username and
  password:

  ```
  curl -X POST https://crm.example.com/api/v1/auth/token/ \\
       -H "Content-Type: application/json" \\
       -d '{"username": "rep1", "password": "..."}'
  # {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}
  ```

  then send it on every request in the `Authorization` header, with the `Token ` prefix
  (the word Token, one space, the key):

  ```
  Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b
  ```

  In this page: **Authorize**, paste `Token <key>` (with the prefix) into *tokenAuth*.
  Repeated wrong passwords lock the username for a while (429 with `Retry-After`).
* **Session** (for the browser). When you are logged in to the app, this page and any
  script in the same browser use your session; writes also need the `X-CSRFToken` header
  (this page sends it for you).

The API sees what the app shows you: a rep their own records, a manager their team's, an
admin everything, and only the processes your role runs.

## Conventions

* Lists are paginated: `?page=`, `?page_size=` (at most 100); `count`, `next`,
  `previous`, `results`. Most lists take `?search=` and `?ordering=`.
* **400**: the body names what is wrong, field by field: `{"amount": ["Must be positive."]}`;
  `non_field_errors` for the request as a whole. Nothing you send gives a 500.
* **404**: no such record, or one you may not see (another team's): the two are the same
  answer, and nothing changes.
* **409**: records with a `version` refuse an edit made on a stale copy
  (`{"code": "stale_version", "current_version": 7}`): fetch it again and retry.
"""

_STANDARD = {
    "list": ("List {plural}", "get"),
    "create": ("Create {a_singular}", "post"),
    "retrieve": ("Get {a_singular}", "get"),
    "update": ("Replace {a_singular}", "put"),
    "partial_update": ("Update {a_singular}", "patch"),
    "destroy": ("Delete {a_singular}", "delete"),
}


def _resource(path):
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.strip("/")
    return rest.split("/", 1)[0] or "api"


def _singular(word):
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _a(word):
    return ("an " if word[:1].lower() in "aeio" else "a ") + word


def _doc_summary(text):
    """A docstring's first sentence when it is short enough to be a summary, else None."""
    first = " ".join((text or "").strip().split("\n\n")[0].split())
    if not first:
        return None
    if first.startswith(("GET ", "POST ")):
        first = first.split(": ", 1)[1] if ": " in first else ""
    sentence = first.split(". ")[0].rstrip(".")
    if not sentence:
        return None
    sentence = sentence[0].upper() + sentence[1:]
    if len(sentence) <= 90:
        return sentence
    for mark in (";", ":", " (", ","):
        cut = sentence.find(mark)
        if 20 < cut <= 90:
            return sentence[:cut]
    return None


class CrmAutoSchema(AutoSchema):
    def _model(self):
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if model is None:
            try:
                serializer = self.view.get_serializer_class()
            except Exception:  # a view without one (an APIView)
                serializer = getattr(self.view, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
        return model

    def _names(self):
        model = self._model()
        if model is not None:
            return str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        plural = _resource(self.path).replace("-", " ")
        return _singular(plural), plural

    def get_summary(self):
        summary = super().get_summary()
        if summary:
            return summary
        singular, plural = self._names()
        action = getattr(self.view, "action", None)
        has_model = self._model() is not None
        if action and action not in _STANDARD or not has_model:
            # A custom action, or a view over no model: its docstring says what it does.
            method = getattr(self.view, action, None) if action else None
            doc = _doc_summary(getattr(method, "__doc__", None))
            if doc is None and action in (None, "list", "retrieve"):
                doc = _doc_summary(self.view.__doc__)
            if doc:
                return doc
        if action in _STANDARD:
            return _STANDARD[action][0].format(a_singular=_a(singular), plural=plural)
        if action:
            verb = action.replace("_", " ").capitalize()
            if "{" in self.path:
                return f"{verb} {_a(singular)}"
            return f"{verb}: {plural}"
        segments = [s for s in self.path.strip("/").split("/") if s and "{" not in s]
        verb = {"GET": "Get", "POST": "Send", "DELETE": "Delete"}.get(self.method, "Update")
        return f"{verb} {segments[-1].replace('-', ' ')}"


_ERRORS = {
    "400": "Invalid input: the body names each field's problem (`non_field_errors` for the whole).",
    "401": "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    "403": "Signed in, but your role may not do this (an admin-only change, a process your role does not run).",
    "404": "No such record, or one you may not see: the same answer, nothing changed.",
    "409": "The version sent is stale: someone saved the record since. Fetch it and retry.",
}


def postprocess(result, generator, request, public):
    """Tags with descriptions, and the errors each operation can answer."""
    result["info"]["description"] = DESCRIPTION.strip()
    tags = {}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict):
                continue
            operation_tags = [t for t in operation.get("tags", []) if t != "v1"]
            if not operation_tags:
                operation_tags = [_resource(path)]
            operation["tags"] = operation_tags
            description = (operation.get("description") or "").strip()
            if not description:
                description = operation.get("summary", "").rstrip(".") + "."
                operation["description"] = description
            if method == "get" and "{" not in path and description:
                tags.setdefault(operation_tags[0], description.split("\n\n")[0])
            tags.setdefault(operation_tags[0], "")
            responses = operation.setdefault("responses", {})
            codes = []
            # No security (auth=[]) or an optional one ({}): a public endpoint.
            security = operation.get("security") or []
            public_op = not security or {} in security
            if method in ("post", "put", "patch"):
                codes.append("400")
            if not public_op:
                codes += ["401", "403"]
            if "{" in path and not public_op:
                codes.append("404")
            if "409" in responses:
                codes.append("409")
            notes = []
            for code in codes:
                responses.setdefault(code, {"description": _ERRORS[code]})
                text = responses[code].get("description") or _ERRORS[code]
                notes.append(f"* **{code}**: {text}")
            if notes and "**Errors**" not in description:
                description = (description + "\n\n" if description else "") + "**Errors**\n\n"
                operation["description"] = description + "\n".join(notes)
    result["tags"] = [
        {"name": name, "description": tags[name]} if tags[name] else {"name": name}
        for name in sorted(tags)
    ]
    return result
