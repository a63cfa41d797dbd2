"""The kinds of notification a person can steer, and how each may reach them."""

IN_APP, EMAIL, DIGEST = "in_app", "email", "digest"
CHANNELS = [
    (IN_APP, "In the app only"),
    (EMAIL, "Email at once"),
    (DIGEST, "Daily email digest"),
]
CHANNEL_KEYS = [key for key, _ in CHANNELS]

OTHER = "other"
# key, label, channel when the person chose nothing (what each sender did before)
KINDS = [
    ("lead_assigned", "A new lead is assigned to me", IN_APP),
    ("mention", "Someone mentions me in a note", EMAIL),
    ("task_due", "A task of mine is due", IN_APP),
    ("review_done", "A review of my work is done", EMAIL),
    ("review_requested", "A review is waiting for me", EMAIL),
    ("handoff_waiting", "A handoff is waiting for me", IN_APP),
    ("deal_stalled", "A deal of mine has stalled", IN_APP),
    ("account_at_risk", "An account I manage is at risk", EMAIL),
    (OTHER, "Anything else", None),  # None: as the sender asks
]
KIND_KEYS = [key for key, _label, _default in KINDS]
KIND_LABELS = {key: label for key, label, _default in KINDS}
KIND_DEFAULTS = {key: default for key, _label, default in KINDS}
