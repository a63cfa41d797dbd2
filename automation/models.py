"""automation's models live in its parts; Django finds them through this module."""

from .audit.models import *  # noqa: F403
from .emails.models import *  # noqa: F403
from .quotes.models import *  # noqa: F403
from .reports.models import *  # noqa: F403
from .webhooks.models import *  # noqa: F403
from .workflows.models import *  # noqa: F403
