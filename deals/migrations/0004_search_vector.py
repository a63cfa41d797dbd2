# The stored search vector (trigger-kept), its GIN index and a trigram index on the
# name, on PostgreSQL only (salesproc.search). The indexes are a copy of deals/search.py's
# as they are today: keep the name expression the same as the one the search ranks by.
from django.db import migrations

from salesproc.search.engine import TextIndex
from salesproc.search.migration_ops import search_operations


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_deal_currency_choices")]

    operations = search_operations(
        TextIndex("deals_deal", {"A": ["name"]}, "{t}name", ()),
    )
