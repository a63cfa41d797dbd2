"""A real server for the benchmark: gunicorn with DEBUG off, and how each persona signs
in to it (an API token, a session cookie)."""

import http.client
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

from salesproc.worker_process import database_url


class Gunicorn:
    """gunicorn on 127.0.0.1:port with `workers` processes, DEBUG off, against the
    database this command uses. settings_module lets the floor run a bare view."""

    def __init__(self, *, port, secret_key, workers=2, settings_module="salesproc.settings"):
        self.port = port
        self.secret_key = secret_key
        self.workers = workers
        self.settings_module = settings_module
        self.process = None

    def __enter__(self):
        env = dict(os.environ)
        env.update(
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE=self.settings_module,
            DATABASE_URL=database_url(),
            SECURE_SSL_REDIRECT="false",
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "salesproc.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited; see its output above") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_rss_mb(self):
        import psutil

        children = psutil.Process(self.process.pid).children()
        return [round(child.memory_info().rss / 1e6) for child in children]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def api_headers(user):
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}", "Accept": "application/json"}


def page_headers(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
