"""REST API of call management: the call resource (calls.py) and the settings it plans
from (settings.py); serializers.py holds the shapes both read and write."""

from .calls import CallViewSet
from .settings import CallTypeViewSet, ObjectionViewSet


def register(router):
    router.register("calls", CallViewSet, basename="call")
    router.register("call-types", CallTypeViewSet, basename="call-type")
    router.register("objections", ObjectionViewSet, basename="objection")
