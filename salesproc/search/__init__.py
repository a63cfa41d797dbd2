"""Global search: the header box, the results page and `/api/v1/search/`.

Each app registers a `SearchSource` (salesproc.registry) from its `search.py`; the
sources use `salesproc.search.engine` to rank a visible queryset. On PostgreSQL a
stored search vector (kept by a trigger) with a GIN index and trigram similarity on
the name; on SQLite a plain icontains fallback.
"""

from .engine import TextIndex, search_all, search_records  # noqa: F401
