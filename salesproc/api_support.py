"""API conventions shared by every app: pagination, errors, visible related fields."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StaleVersion
from .events import timeline_for
from .models import Event
from .pagination import PageNumberPagination
from .processes import PROCESS_LABELS

__all__ = [
    "PageNumberPagination",
    "StaleVersion",
]  # re-exported: domain code imports it from salesproc.errors


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


class VisibleModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter on a record foreign key (`?account=12`) whose choices are the records
    the caller may see: a hidden id and an unknown one both answer 400 "Select a valid
    choice", so a filter never tells one from the other.

    The related model is read from the FilterSet's model and the filter's field name;
    pass `queryset=` only to narrow it further (it is then still cut to what is visible).
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            field = self.model._meta.get_field(self.field_name)
            queryset = field.related_model._default_manager.all()
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()
        return queryset.visible_to(user)


class RunsProcess(BasePermission):
    """DRF permission: set `process = "deals"` on the view."""

    def has_permission(self, request, view):
        process = getattr(view, "process", None)
        if process is None or not request.user.is_authenticated:
            return True
        if not request.user.runs(process):
            raise PermissionDenied(
                f"{PROCESS_LABELS[process]} is not one of the processes your role runs."
            )
        return True


class IsCrmAdminOrReadOnly(BasePermission):
    message = "Only an admin can change this configuration."

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(request.user.is_authenticated and request.user.is_crm_admin)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = Event
        fields = ["id", "name", "summary", "actor", "created_at", "data"]


class ServiceViewSet(viewsets.ModelViewSet):
    """Create, update and delete go through the app's services."""

    create_service = update_service = delete_service = None
    instance_kwarg = ""

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        allow = data.pop("allow_duplicate", False)
        serializer.instance = type(self).create_service(
            actor=self.request.user, data=data, allow_duplicate=allow
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        allow = data.pop("allow_duplicate", False)
        serializer.instance = type(self).update_service(
            actor=self.request.user,
            data=data,
            allow_duplicate=allow,
            **{self.instance_kwarg: serializer.instance},
        )

    def perform_destroy(self, instance):
        type(self).delete_service(actor=self.request.user, **{self.instance_kwarg: instance})

    def timeline_response(self, obj):
        return Response(EventSerializer(timeline_for(obj, user=self.request.user), many=True).data)


def represent_with(viewset_class, obj, *, user):
    """`obj` as GET /api/v1/<its resource>/<id>/ shows it to `user`: the viewset's own
    queryset (so its visibility and annotations) and its retrieve serializer; None when
    the user may not see it. Apps fill `RecordType.represent` with it (webhook payloads,
    workflow conditions): one shape for the API and everything that mirrors it.
    """
    from django.http import HttpRequest
    from rest_framework.request import Request

    http = HttpRequest()
    http.method = "GET"
    http.META["SERVER_NAME"] = "localhost"
    http.META["SERVER_PORT"] = "80"
    request = Request(http)
    request.user = user
    view = viewset_class(request=request, action="retrieve", format_kwarg=None, kwargs={})
    view.kwargs = {view.lookup_url_kwarg or view.lookup_field: obj.pk}
    instance = view.get_queryset().filter(pk=obj.pk).first()
    if instance is None:
        return None
    return view.get_serializer(instance).data
