"""The time audit: periods, time entries, the report and the automation candidates."""
