import django_filters
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from salesproc.api_csv import CSVExportMixin
from salesproc.api_support import (
    ServiceViewSet,
    VisibleModelChoiceFilter,
    VisiblePrimaryKeyRelatedField,
    VisibleUserField,
)
from salesproc.models import User

from . import selectors, services
from .exports import ACCOUNT_COLUMNS, CONTACT_COLUMNS
from .handoffs import api as handoffs_api
from .health import api as health_api
from .models import Account, Contact
from .plans import api as plans_api
from .portfolio.services import account_set_management
from .services import ACCOUNT_FIELDS, CONTACT_FIELDS


class AssignableUserField(VisibleUserField):
    """A user the caller may assign, or the one the record already has (unchanged)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        instance = getattr(self.parent, "instance", None)
        current = getattr(instance, f"{self.source}_id", None) if instance is not None else None
        if current:
            queryset = (queryset | User.objects.filter(pk=current)).distinct()
        return queryset


class AccountSerializer(serializers.ModelSerializer):
    owner = VisibleUserField(required=False)
    account_manager = AssignableUserField(required=False, allow_null=True)
    contact_count = serializers.IntegerField(read_only=True)
    allow_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Create or keep the account even if another has the same domain.",
    )

    class Meta:
        model = Account
        fields = [
            "id",
            *ACCOUNT_FIELDS,
            "is_managed",
            "contact_count",
            "created_at",
            "updated_at",
            "allow_duplicate",
        ]
        read_only_fields = ["is_managed", "created_at", "updated_at"]


class ManagementSerializer(serializers.Serializer):
    is_managed = serializers.BooleanField()
    account_manager = AssignableUserField(required=False, allow_null=True, default=None)


class ContactSerializer(serializers.ModelSerializer):
    owner = VisibleUserField(required=False)
    account = VisiblePrimaryKeyRelatedField(
        queryset=Account.objects.all(), required=False, allow_null=True
    )
    account_name = serializers.SerializerMethodField()
    allow_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Create or keep the contact even if another has the same email.",
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            *CONTACT_FIELDS,
            "account_name",
            "created_at",
            "updated_at",
            "allow_duplicate",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_account_name(self, contact):
        return contact.account.name if contact.account_id else None


class AccountFilter(django_filters.FilterSet):
    class Meta:
        model = Account
        fields = ["status", "industry", "owner", "country", "account_manager"]


class ContactFilter(django_filters.FilterSet):
    account = VisibleModelChoiceFilter()

    class Meta:
        model = Contact
        fields = ["account", "owner", "is_decision_maker"]


class AccountViewSet(CSVExportMixin, ServiceViewSet):
    """Companies. Visible: your own (rep), your team's (manager), all (admin)."""

    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    search_fields = ["name", "domain", "city"]
    ordering_fields = ["name", "annual_revenue", "employee_count", "created_at", "country"]
    ordering = ["name"]
    create_service = staticmethod(services.account_create)
    update_service = staticmethod(services.account_update)
    delete_service = staticmethod(services.account_delete)
    instance_kwarg = "account"
    csv_columns = ACCOUNT_COLUMNS
    csv_filename = "accounts"

    def get_queryset(self):
        return Account.objects.visible_to(self.request.user).with_list_data().order_by("name", "id")

    def get_object(self):
        account = selectors.get_account_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, account)
        return account

    @extend_schema(responses={200: health_api.HealthSerializer})
    @action(detail=True, methods=["get"])
    def health(self, request, pk=None):
        """The account's health: score, band, each signal with its value and points, and
        the 13-week trend."""
        return Response(health_api.health_body(self.get_object()))

    @extend_schema(request=ManagementSerializer, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def management(self, request, pk=None):
        """Mark the account as managed (a key account) and give it its account manager.
        Managers and admins only (403 for anyone else who sees the account)."""
        account = self.get_object()
        body = ManagementSerializer(data=request.data, context={"request": request})
        body.instance = account
        body.is_valid(raise_exception=True)
        account = account_set_management(
            actor=request.user,
            account=account,
            is_managed=body.validated_data["is_managed"],
            account_manager=body.validated_data.get("account_manager"),
        )
        account = Account.objects.with_list_data().get(pk=account.pk)
        return Response(AccountSerializer(account, context={"request": request}).data)


class ContactViewSet(CSVExportMixin, ServiceViewSet):
    """People at accounts, with the same visibility as accounts."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    search_fields = ["first_name", "last_name", "email", "account__name"]
    ordering_fields = ["last_name", "first_name", "created_at", "email"]
    ordering = ["last_name", "first_name"]  # the index order (id appended by the pages)
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    delete_service = staticmethod(services.contact_delete)
    instance_kwarg = "contact"
    csv_columns = CONTACT_COLUMNS
    csv_filename = "contacts"

    def get_queryset(self):
        return (
            Contact.objects.visible_to(self.request.user)
            .with_list_data()
            .order_by("last_name", "first_name", "id")
        )

    def get_object(self):
        contact = selectors.get_contact_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, contact)
        return contact


extra_urls = [
    path("health-settings/", health_api.health_settings, name="api_health_settings"),
]


def register(router):
    router.register("accounts", AccountViewSet, basename="account")
    router.register("contacts", ContactViewSet, basename="contact")
    plans_api.register(router)
    handoffs_api.register(router)
