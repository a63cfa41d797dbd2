"""The lists a view can be saved on: key -> label, page (URL name) and process."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fixed: bool = False  # always shown (the record's name): not in the Columns menu
    default: bool = True  # shown when no columns were chosen


@dataclass(frozen=True)
class SavableList:
    key: str
    label: str
    url_name: str
    process: str | None = None
    columns: tuple[Column, ...] = ()

    @property
    def optional_columns(self):
        return [c for c in self.columns if not c.fixed]


def _cols(*specs):
    """Column("name", "Name", fixed=True) from ("name", "Name", "fixed"); plain pairs
    are optional columns shown by default."""
    return tuple(Column(key, label, fixed="fixed" in flags) for key, label, *flags in specs)


LISTS = {
    item.key: item
    for item in (
        SavableList(
            "accounts",
            "Accounts",
            "accounts:account_list",
            columns=_cols(
                ("name", "Name", "fixed"),
                ("status", "Status"),
                ("industry", "Industry"),
                ("location", "Location"),
                ("employees", "Employees"),
                ("revenue", "Revenue"),
                ("contacts", "Contacts"),
                ("owner", "Owner"),
            ),
        ),
        SavableList(
            "contacts",
            "Contacts",
            "accounts:contact_list",
            columns=_cols(
                ("name", "Name", "fixed"),
                ("account", "Account"),
                ("email", "Email"),
                ("phone", "Phone"),
                ("owner", "Owner"),
            ),
        ),
        SavableList(
            "leads",
            "Leads",
            "leads:lead_list",
            "leads",
            columns=_cols(
                ("score", "Score"),
                ("name", "Lead", "fixed"),
                ("status", "Status"),
                ("source", "Source"),
                ("owner", "Owner"),
                ("created", "Created"),
            ),
        ),
        SavableList(
            "deals",
            "Deals",
            "deals:deal_list",
            "deals",
            columns=_cols(
                ("name", "Deal", "fixed"),
                ("account", "Account"),
                ("stage", "Stage"),
                ("amount", "Amount"),
                ("weighted", "Weighted"),
                ("close", "Close"),
                ("forecast", "Forecast"),
                ("owner", "Owner"),
            ),
        ),
        SavableList(
            "calls",
            "Calls",
            "calls:call_list",
            "calls",
            columns=_cols(
                ("when", "When"),
                ("purpose", "Call", "fixed"),
                ("with", "With"),
                ("status", "Status"),
                ("owner", "Rep"),
                ("rating", "Rating"),
            ),
        ),
    )
}
LIST_KEYS = list(LISTS)

# Query-string keys that are not part of a view's filters: the page, the view tab
# itself, and the columns (a view keeps those in SavedView.columns).
COLUMNS_PARAM = "columns"
CHOSEN = "-"  # sent by the Columns menu with the boxes: "columns were chosen" (maybe none)
NOT_SAVED = {"page", "view", "csrfmiddlewaretoken", COLUMNS_PARAM}


def column_errors(list_key, columns) -> list[str]:
    """Names in columns that are no column of the list (the choice marker is fine)."""
    known = {c.key for c in LISTS[list_key].columns} | {CHOSEN}
    return [name for name in columns if name not in known]


def chosen_columns(list_key, values) -> list[str]:
    """The columns= values of a query, cleaned: known names only, the marker first;
    [] when none were chosen (the list shows its default columns)."""
    known = [c.key for c in LISTS[list_key].columns]
    picked = [key for key in known if key in values]
    if not picked and CHOSEN not in values:
        return []  # nothing or nonsense: the default columns
    return [CHOSEN, *picked]


def shown_columns(list_key, values) -> dict[str, bool]:
    """{column key: shown} for a list given its columns= query values."""
    chosen = chosen_columns(list_key, values)
    return {
        c.key: c.fixed or (c.key in chosen if chosen else c.default)
        for c in LISTS[list_key].columns
    }


def clean_params(querydict) -> dict:
    """{key: [values]} of a list's query string, without paging and empty values."""
    params = {}
    for key in sorted(querydict.keys()):
        if key in NOT_SAVED:
            continue
        values = [str(v)[:200] for v in querydict.getlist(key) if str(v).strip()]
        if values:
            params[str(key)[:60]] = values[:20]
    return params
