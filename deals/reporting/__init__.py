"""Deal reporting: quotas, forecast calls and overrides, weekly pipeline snapshots, the
month plan and the pipeline, forecast and stalled-deal reports.

Laid out like an app: `selectors` (reads; the month plan in `month_plan`, the shared
scope and arithmetic in `scope`), `services` (writes), `api`, `serializers`, `views`,
`forms`, `urls`, `hooks` (navigation, widget, settings link, demo seeder) and `demo`.
Calendar periods come from `deals.periods`.
"""
