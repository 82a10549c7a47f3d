"""PostgreSQL keeps statistics on the search index's text (migration cms 0005), so that a search
matching many pages is planned as a hash join, not a nested loop growing with the square of the
pages. SQLite's full-text index plans without them."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_search_index_has_statistics_on_its_text():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxrelid::regclass::text FROM pg_statistic_ext WHERE stxname = %s",
            ["lianhe_search_indexentry_text"],
        )
        assert cursor.fetchall() == [("wagtailsearch_indexentry",)]
