"""The rep-to-account-manager handoff: opened when a deal is won on an account whose
account manager is someone else (or nobody yet), the rep's debrief, a comment thread,
and the account manager's acceptance."""
