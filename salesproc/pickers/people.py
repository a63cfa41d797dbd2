"""The people picker: users the signed-in user may see (salesproc.models.users_visible_to)."""

from django.db.models import Q

from salesproc.models import users_visible_to
from salesproc.registry import Picker, register_picker


def _search(queryset, query, limit):
    condition = Q()
    for word in query.split():
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return list(queryset.filter(condition)[:limit])


def register():
    register_picker(
        Picker(
            "user",
            lambda user: users_visible_to(user).order_by("first_name", "last_name", "id"),
            _search,
            label=lambda person: person.display_name,
            detail=lambda person: " · ".join(
                part
                for part in (person.role.name if person.role else "", str(person.team or ""))
                if part
            ),
        )
    )
