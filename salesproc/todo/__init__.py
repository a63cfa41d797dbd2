"""Tasks and reminders: a to-do with a due time, on any record or on none."""
