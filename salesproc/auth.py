"""Authentication that loads the signed-in user with the page shell's data in one query."""

from django.contrib.auth.backends import ModelBackend
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .events import set_via
from .models import User


class CrmModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = User.objects.for_request().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class CrmTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user = User.objects.for_request().filter(auth_token__key=key).first()
        if user is None:
            raise AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        set_via("api")  # events this request records came through an API token
        return (user, key)
