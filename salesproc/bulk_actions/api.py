"""`/api/v1/bulk-actions/`: start a bulk action over ids or a list's filter, read its report."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from . import services
from .models import BulkJob, BulkJobRow

REPORT_ROWS = 1000


class BulkActionRequestSerializer(serializers.Serializer):
    record_type = serializers.CharField(help_text="account, contact, lead, deal or call")
    action = serializers.CharField(help_text="reassign, status, stage, disqualify, delete, ...")
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    filter = serializers.DictField(
        required=False, help_text="The list page's filters, as its query string names them."
    )
    params = serializers.DictField(
        required=False, help_text='The action\'s parameters: {"owner": 7}, {"stage": 3}, ...'
    )


class BulkJobRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = BulkJobRow
        fields = ["record_id", "title", "outcome", "reason"]


class BulkJobSerializer(serializers.ModelSerializer):
    rows = serializers.SerializerMethodField()

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "record_type",
            "action",
            "label",
            "params",
            "state",
            "total",
            "processed",
            "changed",
            "skipped",
            "error",
            "created_at",
            "finished_at",
            "rows",
        ]
        read_only_fields = fields

    def get_rows(self, job) -> list[dict]:
        """What happened to each row once the job is finished (the first 1,000; skipped
        rows first)."""
        if not job.is_finished:
            return []
        rows = job.rows.order_by("-outcome", "id")[:REPORT_ROWS]
        return BulkJobRowSerializer(rows, many=True).data


class BulkActionViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Bulk actions on accounts, contacts, leads, deals and calls.

    Each row goes through the same service and checks as a single edit, in its own
    transaction: rows the caller may not change are skipped with the reason. Up to 200
    rows run in the request (201, the report); more run as a job (202; poll
    `GET /api/v1/bulk-actions/{id}/` until `state` is done). Bad input answers 400 with
    field errors."""

    serializer_class = BulkJobSerializer
    queryset = BulkJob.objects.none()

    def get_queryset(self):
        return BulkJob.objects.filter(actor=self.request.user)

    @extend_schema(
        request=BulkActionRequestSerializer,
        responses={201: BulkJobSerializer, 202: BulkJobSerializer},
    )
    def create(self, request, *args, **kwargs):
        incoming = BulkActionRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        job = services.bulk_job_start(
            actor=request.user,
            record_type=data["record_type"],
            action=data["action"],
            ids=data.get("ids"),
            filter=data.get("filter"),
            params=data.get("params") or {},
        )
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(BulkJobSerializer(job).data, status=code)
