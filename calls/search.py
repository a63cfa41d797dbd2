"""Calls in the global search (salesproc.search)."""

from salesproc import processes
from salesproc.registry import SearchSource, register_search_source
from salesproc.search import TextIndex, search_records

from .models import Call

CALL_INDEX = TextIndex(
    "calls_call", {"A": ["purpose"], "B": ["desired_outcome"]}, "{t}purpose", ("purpose",)
)


def search_calls(*, user, query, limit):
    return [
        {
            "type": "call",
            "id": call.pk,
            "title": call.purpose,
            "subtitle": f"{call.scheduled_at:%d %b %Y} · {call.get_status_display()}",
            "url": call.get_absolute_url(),
            "rank": call.search_rank,
        }
        for call in search_records(
            Call.objects.visible_to(user), query, index=CALL_INDEX, limit=limit
        )
    ]


def register():
    register_search_source(
        SearchSource("call", "Calls", search_calls, process=processes.CALLS, order=50)
    )
