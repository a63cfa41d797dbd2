# A trigram index on UPPER(purpose) for the calls list's ?search= (PostgreSQL only;
# salesproc.search.migration_ops.contains_indexes). The related columns it also searches
# (contact's last name, account's and deal's name) are indexed by their own apps.
from django.db import migrations

from salesproc.search.migration_ops import contains_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0006_objection_category_values"),
        ("accounts", "0012_search_contains_indexes"),
        ("deals", "0006_search_contains_indexes"),
    ]

    operations = contains_indexes("calls_call", "purpose")
