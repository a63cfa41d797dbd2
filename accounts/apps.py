from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and contacts"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import workflow_actions

        workflow_actions.register()  # what workflow rules may do with this app's records
        from salesproc.registry import (
            NavItem,
            OwnedRecords,
            Restorable,
            SettingsLink,
            Widget,
            register_nav,
            register_owned_records,
            register_restorable,
            register_settings_link,
            register_widget,
        )

        from . import demo, services, widgets
        from .handoffs import demo as handoffs_demo
        from .handoffs import subscribers as handoff_subscribers
        from .health import notifications as health_notifications
        from .health import own_signals
        from .models import Account, Contact
        from .plans import demo as plans_demo
        from .portfolio import demo as portfolio_demo

        register_nav(
            NavItem(
                "Accounts",
                "accounts:account_list",
                order=10,
                active_prefix="/accounts/companies",
                shortcut="a",
            )
        )
        register_nav(
            NavItem(
                "Contacts", "accounts:contact_list", order=11, active_prefix="/accounts/contacts"
            )
        )
        register_nav(
            NavItem(
                "My accounts",
                "accounts:my_accounts",
                process="accounts",
                order=12,
                active_prefix="/accounts/mine",
            )
        )
        register_nav(
            NavItem(
                "Key accounts",
                "accounts:portfolio",
                manager_only=True,
                order=13,
                active_prefix="/accounts/portfolio",
            )
        )
        register_nav(
            NavItem(
                "Handoffs", "accounts:handoff_list", order=14, active_prefix="/accounts/handoffs"
            )
        )
        # The figures count every visible account and contact: kept a minute per user,
        # dropped when an account or a contact changes.
        register_widget(
            Widget(
                "accounts.mine",
                "accounts/_widget_mine.html",
                widgets.my_accounts,
                order=50,
                cache_seconds=60,
                invalidated_by=("account.*", "contact.*"),
            )
        )
        register_widget(
            Widget(
                "accounts.overdue_actions",
                "accounts/plans/_widget_overdue.html",
                widgets.overdue_actions,
                order=15,
            )
        )
        register_widget(
            Widget(
                "accounts.overdue_handoffs",
                "accounts/handoffs/_widget_overdue.html",
                widgets.overdue_handoffs,
                order=16,
            )
        )
        register_settings_link(
            SettingsLink(
                "Account health",
                "accounts:health_settings",
                "Signal weights and the healthy, watch and at-risk bands, with a preview.",
                order=60,
            )
        )
        register_settings_link(
            SettingsLink(
                "Account plan",
                "accounts:plan_settings",
                "The plan's prompts, the review interval and the days a handoff may take.",
                order=59,
            )
        )
        own_signals.register()  # plan current, overdue actions
        health_notifications.register()  # a drop into at risk
        handoff_subscribers.register()  # deal.won opens a handoff
        demo.register()
        portfolio_demo.register()
        plans_demo.register()
        handoffs_demo.register()
        from . import report_types

        report_types.register()
        register_restorable(
            Restorable(
                "contact",
                "accounts.Contact",
                "Contact",
                name=lambda contact: contact.full_name,
                purge_order=40,
            )
        )
        register_restorable(Restorable("account", "accounts.Account", "Account", purge_order=50))
        register_owned_records(
            OwnedRecords(
                "accounts",
                "accounts",
                lambda user: Account.objects.filter(owner=user).count(),
                services.account_reassign_open,
                order=10,
            )
        )
        register_owned_records(
            OwnedRecords(
                "contacts",
                "contacts",
                lambda user: Contact.objects.filter(owner=user).count(),
                services.contact_reassign_open,
                order=11,
            )
        )
        from . import record_types

        record_types.register()
        from . import search

        search.register()

        from . import bulk_actions

        bulk_actions.register()
