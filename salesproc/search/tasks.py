from celery import shared_task

from .words import refresh_words


@shared_task
def refresh_search_words_task():
    """Every ten minutes: rebuild the typo dictionary from the stored search vectors."""
    return refresh_words()


def register_demo_refresh():
    """After the demo data is seeded, the dictionary knows its words."""
    from salesproc.registry import DemoSeeder, register_demo

    def run(*, stdout):
        count = refresh_words()
        if count:
            stdout.write(f"Search dictionary: {count} words.\n")

    register_demo(DemoSeeder("search-words", run, order=10_000))
