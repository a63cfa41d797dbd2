"""Settings for the throughput floor: the product's settings with a URLconf of one bare
view (benchmark_scale starts a second gunicorn with them)."""

from salesproc.settings import *  # noqa: F403

ROOT_URLCONF = "automation.benchmark.floor_urls"
