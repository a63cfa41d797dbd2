"""The ten categories the product ships with (a data migration adds them once)."""

DEFAULT_CATEGORIES = [
    # name, selling, automation
    ("Entering data in the CRM", False, "workflows"),
    ("Writing emails", False, "templates"),
    ("Preparing proposals and quotes", False, "quotes"),
    ("Building reports", False, "reports"),
    ("Internal meetings", False, ""),
    ("Travel", False, ""),
    ("Prospecting", True, ""),
    ("Customer calls", True, ""),
    ("Customer meetings", True, ""),
    ("Training", False, ""),
]
