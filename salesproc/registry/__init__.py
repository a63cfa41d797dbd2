"""What apps contribute to the shell and to generic features, registered from their
AppConfig.ready().

salesproc imports no app of ours; apps register their navigation entries, home
widgets, settings pages, demo data, record types, events, workflow actions and reports
here instead. Each module holds the seams of one concern.
"""

from ._store import Registry, registry  # noqa: F401
from .accounts import *  # noqa: F403
from .automation import *  # noqa: F403
from .bulk import *  # noqa: F403
from .deals import *  # noqa: F403
from .records import *  # noqa: F403
from .shell import *  # noqa: F403
