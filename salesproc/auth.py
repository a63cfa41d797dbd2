"""Authentication that loads the signed-in user with the page shell's data in one query,
and refuses a locked-out username or address (salesproc.lockout) whatever the way in."""

from django.contrib.auth.backends import ModelBackend
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from . import lockout
from .client import client_address
from .events import set_via
from .models import User


class CrmModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        address = client_address(request) if request is not None else ""
        if lockout.lock_for(username=username or "", address=address) is not None:
            return None  # not even the right password opens a locked account
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.record_failure(username=username or "", address=address)
        else:
            lockout.forget_username(username)
        return user

    def get_user(self, user_id):
        user = User.objects.for_request_get(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class CrmTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user = User.objects.for_request_get(auth_token__key=key)
        if user is None:
            raise AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        set_via("api")  # events this request records came through an API token
        return (user, key)
