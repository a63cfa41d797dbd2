# A trigram index on UPPER(name) for the deals list's ?search= (PostgreSQL only;
# salesproc.search.migration_ops.contains_indexes).
from django.db import migrations

from salesproc.search.migration_ops import contains_indexes


class Migration(migrations.Migration):
    dependencies = [("deals", "0005_list_order_indexes")]

    operations = contains_indexes("deals_deal", "name")
