# The stored search vector (trigger-kept), its GIN index and a trigram index on the
# name, on PostgreSQL only (salesproc.search). The indexes are a copy of accounts/search.py's
# as they are today: keep the name expression the same as the one the search ranks by.
from django.db import migrations

from salesproc.search.engine import TextIndex
from salesproc.search.migration_ops import search_operations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_plan_relationship_map")]

    operations = search_operations(
        TextIndex(
            "accounts_account",
            {"A": ["name"], "B": ["domain"], "C": ["city", "industry"]},
            "{t}name",
            (),
        ),
        TextIndex(
            "accounts_contact",
            {"A": ["first_name", "last_name"], "B": ["email"], "C": ["job_title"]},
            "{t}first_name || ' ' || {t}last_name",
            (),
        ),
    )
