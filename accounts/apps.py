from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and contacts"

    def ready(self):
        from salesproc.registry import (
            NavItem,
            OwnedRecords,
            Restorable,
            Widget,
            register_nav,
            register_owned_records,
            register_restorable,
            register_widget,
        )

        from . import demo, services, widgets
        from .models import Account, Contact

        register_nav(
            NavItem(
                "Accounts", "accounts:account_list", order=10, active_prefix="/accounts/companies"
            )
        )
        register_nav(
            NavItem(
                "Contacts", "accounts:contact_list", order=11, active_prefix="/accounts/contacts"
            )
        )
        register_widget(
            Widget("accounts.mine", "accounts/_widget_mine.html", widgets.my_accounts, order=50)
        )
        demo.register()
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
