import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from salesproc.api_support import ServiceViewSet, VisiblePrimaryKeyRelatedField, VisibleUserField
from salesproc.models import User

from . import services
from .models import Account, Contact


class AccountSerializer(serializers.ModelSerializer):
    owner = VisibleUserField(required=False)
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
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
            "name",
            "website",
            "domain",
            "industry",
            "employee_count",
            "annual_revenue",
            "country",
            "region",
            "city",
            "postcode",
            "latitude",
            "longitude",
            "status",
            "owner",
            "account_manager",
            "contact_count",
            "created_at",
            "updated_at",
            "allow_duplicate",
        ]
        read_only_fields = ["created_at", "updated_at"]


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
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "is_decision_maker",
            "account",
            "account_name",
            "owner",
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
    class Meta:
        model = Contact
        fields = ["account", "owner", "is_decision_maker"]


class AccountViewSet(ServiceViewSet):
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

    def get_queryset(self):
        return Account.objects.visible_to(self.request.user).with_list_data().order_by("name", "id")


class ContactViewSet(ServiceViewSet):
    """People at accounts, with the same visibility as accounts."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    search_fields = ["first_name", "last_name", "email", "account__name"]
    ordering_fields = ["last_name", "first_name", "created_at", "email"]
    ordering = ["last_name"]
    create_service = staticmethod(services.contact_create)
    update_service = staticmethod(services.contact_update)
    delete_service = staticmethod(services.contact_delete)
    instance_kwarg = "contact"

    def get_queryset(self):
        return (
            Contact.objects.visible_to(self.request.user)
            .with_list_data()
            .order_by("last_name", "first_name", "id")
        )


def register(router):
    router.register("accounts", AccountViewSet, basename="account")
    router.register("contacts", ContactViewSet, basename="contact")
