import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesproc.settings")

app = Celery("salesproc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, by the task's dotted name so this module imports no app.
app.conf.beat_schedule = {
    "refresh-search-words": {
        "task": "salesproc.search.tasks.refresh_search_words_task",
        "schedule": crontab(minute="*/10"),
    },
    "redispatch-pending-events": {
        "task": "salesproc.tasks.redispatch_pending_events_task",
        "schedule": 60.0,
    },
    "requeue-intake-submissions": {
        "task": "leads.tasks.requeue_intake_submissions_task",
        "schedule": 60.0,
    },
    "requeue-lead-imports": {
        "task": "leads.tasks.requeue_lead_imports_task",
        "schedule": 60.0,
    },
    "requeue-bulk-jobs": {
        "task": "salesproc.bulk_actions.tasks.requeue_bulk_jobs_task",
        "schedule": 60.0,
    },
    "recompute-account-health-nightly": {
        "task": "accounts.tasks.recompute_account_health_task",
        "schedule": crontab(minute=30, hour=2),
    },
    "snapshot-pipeline-weekly": {
        "task": "deals.tasks.snapshot_pipeline_task",
        "schedule": crontab(minute=5, hour=0, day_of_week="mon"),
    },
    "purge-recycle-bin-daily": {
        "task": "salesproc.tasks.purge_recycle_bin_task",
        "schedule": crontab(minute=30, hour=3),
    },
    "remind-time-audit-participants-daily": {
        "task": "automation.audit.tasks.send_time_audit_reminders_task",
        "schedule": crontab(minute=0, hour=15),
    },
    "send-due-report-subscriptions": {
        "task": "automation.reports.tasks.send_due_report_subscriptions_task",
        "schedule": 300.0,  # sends go at the subscriber's local time, within 5 minutes
    },
    "sweep-webhook-deliveries": {
        "task": "automation.webhooks.tasks.sweep_webhook_deliveries_task",
        "schedule": 60.0,
    },
    "purge-expired-idempotency-keys": {
        "task": "salesproc.idempotency.tasks.purge_expired_idempotency_keys_task",
        "schedule": crontab(minute=10),
    },
    "send-task-reminders": {
        "task": "salesproc.todo.tasks.send_task_reminders_task",
        "schedule": 60.0,
    },
    "send-notification-digests-daily": {
        "task": "salesproc.notifications.tasks.send_daily_digests_task",
        "schedule": crontab(minute=0, hour=17),
    },
    "flag-stalled-deals-daily": {
        "task": "deals.tasks.flag_stalled_deals_task",
        "schedule": crontab(minute=15, hour=6),
    },
    "expire-quotes-daily": {
        "task": "automation.quotes.tasks.expire_quotes_task",
        "schedule": crontab(minute=10, hour=0),
    },
}

# With the broker down or unreachable, a web request that enqueues a task must not hang:
# one quick retry, then events._enqueue (and the other enqueue helpers) log and move on,
# and the periodic sweeps enqueue the work again once Redis is back.
app.conf.broker_connection_timeout = 2
app.conf.task_publish_retry_policy = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
