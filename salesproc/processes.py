"""The seven sales processes (PROCESSES.md) and which roles run them by default."""

CALLS = "calls"
LEADS = "leads"
OPPORTUNITIES = "opportunities"
ACCOUNTS = "accounts"
TERRITORIES = "territories"
DEALS = "deals"
AUTOMATION = "automation"

PROCESS_CHOICES = [
    (CALLS, "Call management"),
    (LEADS, "Lead qualification"),
    (OPPORTUNITIES, "Opportunity management"),
    (ACCOUNTS, "Account management"),
    (TERRITORIES, "Territory management"),
    (DEALS, "Deal management"),
    (AUTOMATION, "Sales automation"),
]
PROCESS_KEYS = [key for key, _ in PROCESS_CHOICES]
PROCESS_LABELS = dict(PROCESS_CHOICES)

# "There are no bad sales processes, only the wrong ones": inside reps don't need
# territory management, a field rep with a region does; account management belongs
# to whoever manages key customer relationships.
DEFAULT_ROLES = [
    # slug, name, processes, is_admin
    ("inside-rep", "Inside rep", [CALLS, LEADS, OPPORTUNITIES, DEALS, AUTOMATION], False),
    (
        "field-rep",
        "Field rep",
        [CALLS, LEADS, OPPORTUNITIES, TERRITORIES, DEALS, AUTOMATION],
        False,
    ),
    (
        "key-account-manager",
        "Key-account manager",
        [CALLS, OPPORTUNITIES, ACCOUNTS, DEALS, AUTOMATION],
        False,
    ),
    ("account-manager", "Account manager", [CALLS, ACCOUNTS, DEALS, AUTOMATION], False),
    ("sales-manager", "Sales manager", list(PROCESS_KEYS), False),
    ("admin", "Admin", list(PROCESS_KEYS), True),
]
