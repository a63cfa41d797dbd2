"""API of intake forms (the public endpoint websites post to) and of CSV lead imports."""

import json

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from leads import imports
from salesproc.api_support import RunsProcess, VisibleUserField, validation_error_body
from salesproc.processes import LEADS

from . import services as intake
from .models import ImportJob, ImportRowResult, IntakeForm
from .throttling import IntakeKeyThrottle

MAX_INTAKE_BYTES = 64 * 1024


# -- intake endpoint -------------------------------------------------------------------


IntakeAccepted = inline_serializer(
    "IntakeAccepted",
    {
        "id": serializers.IntegerField(help_text="The stored submission."),
        "status": serializers.CharField(help_text="Always “received”."),
    },
)
IntakeError = inline_serializer(
    "IntakeError",
    {
        "detail": serializers.CharField(),
        "fields": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(detail, fields=None):
    body = {"detail": detail}
    if fields:
        body["fields"] = fields
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _flatten(querydict):
    return {key: ", ".join(v for v in querydict.getlist(key) if v) for key in querydict}


def _prefers_html(request):
    accept = request.META.get("HTTP_ACCEPT", "")
    return "text/html" in accept


class IntakeSubmitView(APIView):
    """A website's form posts here: no login, no CSRF token; the form's key is the secret."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [IntakeKeyThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="intake_submit",
        summary="Send a lead to an intake form",
        description=(
            "Public endpoint for websites: JSON or form fields named after lead fields "
            "(first_name, last_name, email, phone, job_title, company_name, website, "
            "industry, employee_count, country; `name` and `company` are understood too). "
            "The submission is stored and answered with 202 before a background task makes "
            "the lead. It never changes an existing lead: when an open lead of the form's "
            "team has the same email, the submission is added to its timeline and the "
            "owner may accept the fields that differ. A browser form post is "
            "redirected to the form's thank-you page when it has one. Bodies over 64 KB, "
            "malformed JSON and submissions with no usable field are refused with 400; an "
            "unknown or inactive key is 404; too many posts to one key is 429."
        ),
        auth=[],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/x-www-form-urlencoded": OpenApiTypes.OBJECT,
            "multipart/form-data": OpenApiTypes.OBJECT,
        },
        responses={
            202: IntakeAccepted,
            303: OpenApiResponse(description="Browser form post: to the thank-you page."),
            400: IntakeError,
            404: OpenApiResponse(description="Unknown or inactive key."),
            415: OpenApiResponse(description="Neither JSON nor form fields."),
            429: OpenApiResponse(description="Too many submissions; see Retry-After."),
        },
        tags=["intake"],
    )
    def post(self, request, key):
        form = IntakeForm.objects.filter(key=key, is_active=True).first()
        if form is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_INTAKE_BYTES:
            return _bad_request(f"The body is {declared:,} bytes; the limit is 64 KB.")
        try:
            body = request.body
        except RequestDataTooBig:
            return _bad_request("The body is larger than 64 KB.")
        if len(body) > MAX_INTAKE_BYTES:
            return _bad_request(f"The body is {len(body):,} bytes; the limit is 64 KB.")
        content_type = request.content_type or ""
        is_json = content_type.startswith("application/json") or content_type.endswith("+json")
        if is_json:
            try:
                payload = json.loads(body.decode("utf-8") or "null")
            except (UnicodeDecodeError, ValueError) as exc:
                return _bad_request(f"The body is not valid JSON: {exc}.")
            if not isinstance(payload, dict):
                return _bad_request(
                    "Send a JSON object of field names and values, "
                    'e.g. {"last_name": "Lovelace", "email": "ada@example.com"}.'
                )
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            payload = _flatten(request._request.POST)
        else:
            return Response(
                {
                    "detail": "Send JSON (application/json) or form fields "
                    "(application/x-www-form-urlencoded)."
                },
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        payload = {str(k)[:100]: v for k, v in payload.items()}
        try:
            submission = intake.intake_submission_receive(form=form, payload=payload)
        except ValidationError as exc:
            problems = (
                exc.message_dict.get("fields") if hasattr(exc, "error_dict") else exc.messages
            )
            return _bad_request("This submission can't make a lead.", problems)
        if not is_json:
            if form.redirect_url:
                return HttpResponseRedirect(form.redirect_url, status=303)
            if _prefers_html(request):
                # no thank-you page set: the note offers the way back to the visitor's page
                referer = request.headers.get("Referer", "")
                back = referer if referer.startswith(("https://", "http://")) else ""
                return render(
                    request._request,
                    "leads/intake/thanks.html",
                    {"form": form, "back_url": back},
                    status=202,
                )
        return Response(
            {"id": submission.pk, "status": "received"}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs):
        """CORS preflight: a website's script may post JSON from another origin."""
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        return _cors(super().finalize_response(request, response, *args, **kwargs))


# -- lead imports ----------------------------------------------------------------------


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    report_csv = serializers.SerializerMethodField()
    rows_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "original_name",
            "state",
            "total",
            "processed",
            "percent",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "error",
            "headers",
            "mapping",
            "source",
            "owner",
            "created_by",
            "encoding",
            "created_at",
            "queued_at",
            "started_at",
            "finished_at",
            "rows_url",
            "report_csv",
        ]
        read_only_fields = fields

    def get_report_csv(self, job) -> str:
        return self._absolute(reverse("leads:import_report_csv", args=[job.pk]))

    def get_rows_url(self, job) -> str:
        return self._absolute(reverse("lead-import-rows", args=[job.pk]))

    def _absolute(self, url):
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ImportJobCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file, with a header row.")
    mapping = serializers.JSONField(
        required=False,
        binary=True,
        help_text=(
            '{"Column header": "lead field"} as JSON. Fields: '
            + ", ".join(imports.MAPPABLE_FIELDS)
            + ". Left out: guessed from the headers."
        ),
    )
    owner = VisibleUserField(
        required=False, help_text="Who owns the new leads (managers and admins); default: you."
    )
    source = serializers.CharField(required=False, max_length=50, allow_blank=True)

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in value.items()
        ):
            raise serializers.ValidationError(
                'Give a JSON object of column header to lead field, e.g. {"E-mail": "email"}.'
            )
        return value


class ImportRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRowResult
        fields = ["row_number", "outcome", "reason", "lead"]


@extend_schema_view(
    list=extend_schema(summary="Your lead imports (an admin sees all)"),
    retrieve=extend_schema(summary="An import's progress and counts"),
)
class LeadImportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """CSV imports of leads. Upload with a mapping; a task imports; poll for progress."""

    process = LEADS
    permission_classes = [IsAuthenticated, RunsProcess]
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["state"]
    search_fields = ["original_name"]
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Import leads from a CSV file",
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = ImportJobCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = None
        try:
            with transaction.atomic():
                job = imports.import_job_create(
                    actor=request.user,
                    upload=data["file"],
                    owner=data.get("owner"),
                    source=data.get("source", ""),
                )
                if data.get("mapping") is not None:
                    mapping = imports.mapping_from_columns(job.headers, data["mapping"])
                else:
                    mapping = job.mapping
                job = imports.import_job_set_mapping(actor=request.user, job=job, mapping=mapping)
                job = imports.import_job_start(actor=request.user, job=job)
        except ValidationError as exc:
            if job is not None and job.file:
                job.file.storage.delete(job.file.name)
            return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
        body = ImportJobSerializer(job, context={"request": request}).data
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("lead-import-detail", args=[job.pk])},
        )

    @extend_schema(
        summary="What happened to each row",
        parameters=[
            OpenApiParameter(
                "outcome",
                str,
                enum=ImportRowResult.Outcome.values,
                description="Only rows with this outcome.",
            )
        ],
        responses={200: ImportRowSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def rows(self, request, pk=None):
        job = self.get_object()
        rows = job.rows.order_by("row_number")
        outcome = request.query_params.get("outcome")
        if outcome:
            if outcome not in ImportRowResult.Outcome.values:
                return Response(
                    {"outcome": [f"Choose one of: {', '.join(ImportRowResult.Outcome.values)}."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            rows = rows.filter(outcome=outcome)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ImportRowSerializer(page, many=True).data)


extra_urls = [path("intake/<str:key>/", IntakeSubmitView.as_view(), name="intake_submit")]


def register(router):
    router.register("lead-imports", LeadImportViewSet, basename="lead-import")
