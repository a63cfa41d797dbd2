# The stored search vector (trigger-kept), its GIN index and a trigram index on the
# name, on PostgreSQL only (salesproc.search). The indexes are a copy of leads/search.py's
# as they are today: keep the name expression the same as the one the search ranks by.
from django.db import migrations

from salesproc.search.engine import TextIndex
from salesproc.search.migration_ops import search_operations


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_lead_soft_delete")]

    operations = search_operations(
        TextIndex(
            "leads_lead",
            {"A": ["first_name", "last_name", "company_name"], "B": ["email"], "C": ["job_title"]},
            "{t}first_name || ' ' || {t}last_name || ' ' || {t}company_name",
            (),
        ),
    )
