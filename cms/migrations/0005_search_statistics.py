"""PostgreSQL: statistics on the search index's text, so that the planner knows how many pages a
search matches. Without them it guesses one and joins each page type to the index entries with
a nested loop, which grows with the square of the pages (a search for 智能制造 over 1,000 news
took 400 ms in that join alone; bench/site.py)."""

from django.db import migrations

STATISTICS = "lianhe_search_indexentry_text"


def create_statistics(apps, schema_editor):
    connection = schema_editor.connection
    # Statistics on an expression need PostgreSQL 14.
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON ((title || body)) FROM {table}"
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_news_tags"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
