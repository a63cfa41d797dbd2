"""Leads that arrive without typing: intake forms a website posts to, and CSV imports.

models (IntakeForm, IntakeSubmission, ImportJob, ImportRowResult; in the `leads` app),
values (outside text -> lead values), services and selectors of intake forms and their
submissions, throttling (the public endpoint's rate), and the pages (views, forms,
urls) and API of both intake forms and imports. The import itself (reading, mapping,
preview, run, report) is `leads.imports`.
"""
