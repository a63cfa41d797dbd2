"""Writes of saved views: save, change, delete, and each person's default per list."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from salesproc.models import Team, User

from .lists import LISTS, column_errors
from .models import DefaultView, SavedView

MAX_VIEWS_PER_LIST = 30


def views_visible_to(user: User, list_key: str | None = None):
    """A person's own views and those shared with a team they are in or manage (an
    admin also sees every shared view)."""
    from django.db.models import Q

    condition = Q(owner=user)
    if user.is_crm_admin:
        condition |= Q(team__isnull=False)
    else:
        teams = [*user.managed_team_ids, *([user.team_id] if user.team_id else [])]
        if teams:
            condition |= Q(team_id__in=teams)
    qs = SavedView.objects.filter(condition)
    if list_key:
        qs = qs.filter(list_key=list_key)
    return qs


def get_view_for_user(user: User, pk) -> SavedView:
    try:
        return views_visible_to(user).select_related("owner", "team").get(pk=pk)
    except (SavedView.DoesNotExist, ValueError, TypeError):
        raise Http404("No saved view matches the given query.")


def _may_change(actor, view):
    return view.owner_id == actor.pk or actor.is_crm_admin


def _share_team(actor, shared, team):
    if not shared:
        return None
    if not (actor.is_manager or actor.is_crm_admin):
        raise ValidationError({"shared": "Only a manager shares a view with the team."})
    if team is None:
        if actor.managed_team_ids:
            return Team.objects.get(pk=actor.managed_team_ids[0])
        if actor.team_id:
            return actor.team
        raise ValidationError({"team": "Choose the team to share the view with."})
    if not actor.is_crm_admin and team.pk not in actor.managed_team_ids:
        raise ValidationError({"team": "You can only share with a team you manage."})
    return team


def _clean(*, list_key, name, params, columns):
    errors = {}
    if list_key not in LISTS:
        errors["list_key"] = f"Unknown list: {list_key}."
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the view a name."
    elif len(name) > 60:
        errors["name"] = "Keep the name under 60 characters."
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in params.items()
    ):
        errors["params"] = 'Give the filters as {"name": ["value", ...]}.'
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        errors["columns"] = "Give the columns as a list of names."
    elif list_key in LISTS and column_errors(list_key, columns):
        unknown = ", ".join(column_errors(list_key, columns)[:5])
        errors["columns"] = f"No such column on this list: {unknown}."
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def saved_view_create(
    *,
    actor: User,
    list_key: str,
    name: str,
    params: dict | None = None,
    columns: list | None = None,
    shared: bool = False,
    team: Team | None = None,
    make_default: bool = False,
) -> SavedView:
    params = params or {}
    columns = columns or []
    name = _clean(list_key=list_key, name=name, params=params, columns=columns)
    if SavedView.objects.filter(owner=actor, list_key=list_key, name__iexact=name).exists():
        raise ValidationError({"name": f"You already have a view called “{name}” here."})
    if SavedView.objects.filter(owner=actor, list_key=list_key).count() >= MAX_VIEWS_PER_LIST:
        raise ValidationError({"name": "That is enough views for one list: delete one first."})
    view = SavedView.objects.create(
        list_key=list_key,
        name=name,
        owner=actor,
        team=_share_team(actor, shared, team),
        params=params,
        columns=columns,
    )
    if make_default:
        default_view_set(actor=actor, list_key=list_key, view=view)
    return view


@transaction.atomic
def saved_view_update(*, actor: User, view: SavedView, data: dict) -> SavedView:
    view = get_view_for_user(actor, view.pk)
    if not _may_change(actor, view):
        raise ValidationError({"name": "Only the person who saved the view changes it."})
    name = data.get("name", view.name)
    params = data.get("params", view.params)
    columns = data.get("columns", view.columns)
    name = _clean(list_key=view.list_key, name=name, params=params, columns=columns)
    clash = SavedView.objects.filter(owner=view.owner, list_key=view.list_key, name__iexact=name)
    if clash.exclude(pk=view.pk).exists():
        raise ValidationError({"name": f"There is already a view called “{name}” here."})
    view.name, view.params, view.columns = name, params, columns
    if "shared" in data:
        view.team = _share_team(actor, data["shared"], data.get("team"))
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    view = get_view_for_user(actor, view.pk)
    if not _may_change(actor, view):
        raise ValidationError({"name": "Only the person who saved the view deletes it."})
    view.delete()


@transaction.atomic
def default_view_set(*, actor: User, list_key: str, view: SavedView | None) -> None:
    """The view `list_key` opens with for the actor (None: the plain list)."""
    if list_key not in LISTS:
        raise ValidationError({"list_key": f"Unknown list: {list_key}."})
    if view is None:
        DefaultView.objects.filter(user=actor, list_key=list_key).delete()
        return
    view = get_view_for_user(actor, view.pk)
    if view.list_key != list_key:
        raise ValidationError({"view": "That view belongs to another list."})
    DefaultView.objects.update_or_create(user=actor, list_key=list_key, defaults={"view": view})
