"""`/api/v1/saved-views/`: a person's and their team's saved list views."""

import django_filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from salesproc.models import DefaultView

from . import services
from .lists import LIST_KEYS
from .models import SavedView


class SavedViewSerializer(serializers.ModelSerializer):
    list_key = serializers.ChoiceField(choices=LIST_KEYS)
    params = serializers.JSONField(
        required=False, help_text='The list\'s query string as {"name": ["value", ...]}.'
    )
    columns = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    shared = serializers.BooleanField(required=False, default=False)
    is_default = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = SavedView
        fields = [
            "id",
            "list_key",
            "name",
            "params",
            "columns",
            "shared",
            "team",
            "owner",
            "is_default",
        ]
        read_only_fields = ["team", "owner"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["shared"] = instance.team_id is not None
        defaults = self.context.get("defaults")
        if defaults is None:
            defaults = set(
                DefaultView.objects.filter(user=self.context["request"].user).values_list(
                    "view_id", flat=True
                )
            )
            self.context["defaults"] = defaults
        data["is_default"] = instance.pk in defaults
        return data


class SavedViewUpdateSerializer(SavedViewSerializer):
    list_key = serializers.CharField(read_only=True)
    shared = serializers.BooleanField(required=False)
    is_default = serializers.BooleanField(required=False)


class SavedViewFilter(django_filters.FilterSet):
    class Meta:
        model = SavedView
        fields = ["list_key"]


class SavedViewViewSet(viewsets.ModelViewSet):
    """Views the caller saved or that their team shares; `is_default` sets the view the
    list opens with for the caller."""

    permission_classes = [IsAuthenticated]
    filterset_class = SavedViewFilter
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedView.objects.none()
        return services.views_visible_to(self.request.user).order_by("list_key", "name", "id")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SavedViewUpdateSerializer
        return SavedViewSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.saved_view_create(
            actor=self.request.user,
            list_key=data["list_key"],
            name=data["name"],
            params=data.get("params") or {},
            columns=data.get("columns") or [],
            shared=data.get("shared", False),
            make_default=data.get("is_default", False),
        )
        serializer.context.pop("defaults", None)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        is_default = data.pop("is_default", None)
        view = services.saved_view_update(
            actor=self.request.user, view=serializer.instance, data=data
        )
        if is_default is not None:
            services.default_view_set(
                actor=self.request.user, list_key=view.list_key, view=view if is_default else None
            )
        serializer.instance = view
        serializer.context.pop("defaults", None)

    def perform_destroy(self, instance):
        services.saved_view_delete(actor=self.request.user, view=instance)


def register(router):
    router.register("saved-views", SavedViewViewSet, basename="saved-view")
