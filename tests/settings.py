"""The test suite's settings: salesproc.settings, read as a development machine would.

The suite runs on SQLite and on PostgreSQL + Redis (CI); with a real database the
settings default to production (DEBUG off, SECRET_KEY required). Tests are not a
production deployment: they run with DEBUG on unless the environment says otherwise.
"""

import os

os.environ.setdefault("DEBUG", "true")

from salesproc.settings import *  # noqa: E402, F403

# Jobs run eagerly inside the request in tests (deterministic); the embedded executor's
# own test turns the background thread on.
BACKGROUND_JOBS_IN_THREAD = False
