"""API conventions shared by every app: pagination, errors, visible related fields."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StaleVersion

__all__ = ["StaleVersion"]  # re-exported: domain code imports it from salesproc.errors


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This record was changed by someone else. Reload it and try again."
    default_code = "conflict"


def validation_error_body(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                message for error in errors for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Domain errors become API errors: ValidationError 400, StaleVersion 409."""
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleVersion):
        body = {"detail": str(exc), "code": "stale_version"}
        if exc.current_version is not None:
            body["current_version"] = exc.current_version
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)


@extend_schema_field(OpenApiTypes.INT)
class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the caller may see; anything else is 'does not exist' (no leak)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleUserField(serializers.PrimaryKeyRelatedField):
    """An owner id among the users the caller may see."""

    def get_queryset(self):
        from .models import User, users_visible_to

        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        return users_visible_to(request.user)
