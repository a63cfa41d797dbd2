"""Bulk actions on the selected rows of a list (accounts, contacts, leads, deals, calls).

Each app registers its list (`BulkList`) and its actions (`BulkAction`) through
`salesproc.registry` from ready(); this package holds the generic part: the job that
remembers what was asked and what happened to each row (models), starting and running it
(services; one transaction per row, each row through the app's own service), the Celery
task for selections over INLINE_LIMIT rows, and the pages and API that show the progress
and the report. Not to be confused with `salesproc.bulk`, the bulk SQL helpers of imports.
"""
