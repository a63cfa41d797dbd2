import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas get passwords; hashing them slowly adds nothing to these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
