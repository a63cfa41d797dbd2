"""Throttles fail open when the cache can't be reached, and still throttle when it can."""

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from salesproc.throttling import FailOpenThrottleMixin


class BrokenCache:
    def get(self, *args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    set = get


class TwoPerMinute(FailOpenThrottleMixin, SimpleRateThrottle):
    rate = "2/min"

    def get_cache_key(self, request, view):
        return "throttle_test_two_per_minute"


def test_a_throttle_lets_the_request_through_and_warns_when_the_cache_is_down(caplog):
    throttle = TwoPerMinute()
    throttle.cache = BrokenCache()
    request = APIRequestFactory().post("/api/v1/auth/token/")

    with caplog.at_level(logging.WARNING, logger="salesproc.throttling"):
        allowed = [throttle.allow_request(request, None) for _ in range(5)]

    assert allowed == [True] * 5
    assert "TwoPerMinute could not read the cache (ConnectionError" in caplog.text


def test_a_bug_in_a_throttle_is_not_hidden():
    class Buggy(TwoPerMinute):
        def get_cache_key(self, request, view):
            raise AttributeError("no user")

    with pytest.raises(AttributeError):
        Buggy().allow_request(APIRequestFactory().post("/"), None)


def test_a_throttle_still_refuses_the_third_request_when_the_cache_works(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    request = APIRequestFactory().post("/api/v1/auth/token/")

    allowed = [TwoPerMinute().allow_request(request, None) for _ in range(3)]

    assert allowed == [True, True, False]


@pytest.mark.django_db
def test_the_token_endpoint_answers_with_the_cache_down(rep, monkeypatch):
    from salesproc.api import LoginThrottle

    monkeypatch.setattr(LoginThrottle, "cache", BrokenCache())

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"]
