# The stored search vector (trigger-kept), its GIN index and a trigram index on the
# name, on PostgreSQL only (salesproc.search). The indexes are a copy of calls/search.py's
# as they are today: keep the name expression the same as the one the search ranks by.
from django.db import migrations

from salesproc.search.engine import TextIndex
from salesproc.search.migration_ops import search_operations


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_call_soft_delete")]

    operations = search_operations(
        TextIndex("calls_call", {"A": ["purpose"], "B": ["desired_outcome"]}, "{t}purpose", ()),
    )
