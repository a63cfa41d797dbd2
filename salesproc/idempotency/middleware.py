import hashlib
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone

from .models import IdempotencyKey

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
# A claim without an answer after this long belongs to a request that died.
RUNNING_TIMEOUT = timedelta(minutes=5)


def _fingerprint(request):
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        # request.body would refuse a large upload; hash the parsed parts instead (DRF
        # reads them from request.POST and request.FILES after this).
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.content_type.encode() + b"\n")
        digest.update(request.body)
    return digest.hexdigest()


def _api_user(request):
    """The caller as the API view will see them (token or session), or None."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    drf_request = Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = drf_request.user
    except APIException:
        return None  # bad token, CSRF...: the view answers that itself
    return user if user is not None and user.is_authenticated else None


def _error(status, detail, code, **headers):
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _replay(row):
    from django.http import HttpResponse

    response = HttpResponse(
        bytes(row.response_body),
        status=row.response_status,
        content_type=row.response_content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(user, key, fingerprint, path):
    """(row, None) when this request may run; (None, response) when it may not."""
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            return (
                IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    path=path[:500],
                    created_at=now,
                    expires_at=now + KEEP_FOR,
                ),
                None,
            )
    except IntegrityError:
        pass
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:  # expired and deleted in between: one more go
        return _claim(user, key, fingerprint, path)
    if row.fingerprint != fingerprint:
        return None, _error(
            422,
            f"This {HEADER} was used with a different request (method, path or body). "
            "Use a new key for a new request.",
            "idempotency_key_mismatch",
        )
    if row.response_status is not None:
        return None, _replay(row)
    if row.created_at < now - RUNNING_TIMEOUT:
        taken = IdempotencyKey.objects.filter(
            pk=row.pk, response_status__isnull=True, created_at=row.created_at
        ).update(created_at=now, expires_at=now + KEEP_FOR)
        if taken:
            row.created_at = now
            return row, None
    return None, _error(
        409,
        f"A request with this {HEADER} is still running. Retry in a moment to get its answer.",
        "idempotency_key_in_use",
        **{"Retry-After": "1"},
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_LENGTH:
            return _error(
                400, f"{HEADER} must be 1 to {MAX_LENGTH} characters.", "invalid_idempotency_key"
            )
        user = _api_user(request)
        if user is None:
            return self.get_response(request)
        row, refusal = _claim(user, key, _fingerprint(request), request.path)
        if refusal is not None:
            return refusal
        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyKey.objects.filter(pk=row.pk, response_status__isnull=True).delete()
            raise
        if response.status_code >= 500 or response.status_code == 429 or response.streaming:
            IdempotencyKey.objects.filter(pk=row.pk, response_status__isnull=True).delete()
            return response
        IdempotencyKey.objects.filter(pk=row.pk).update(
            response_status=response.status_code,
            response_body=response.content,
            response_content_type=response.get("Content-Type", ""),
        )
        return response
