# Trigram indexes on UPPER(column) for the accounts and contacts lists' ?search=
# (PostgreSQL only; salesproc.search.migration_ops.contains_indexes).
from django.db import migrations

from salesproc.search.migration_ops import contains_indexes


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_list_order_indexes")]

    operations = [
        *contains_indexes("accounts_account", "name", "domain", "city"),
        *contains_indexes("accounts_contact", "first_name", "last_name", "email"),
    ]
