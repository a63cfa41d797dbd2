from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = "Territory management"

    def ready(self):
        from . import event_types

        event_types.register()  # the event catalogue: every name this app records
        from . import workflow_actions

        workflow_actions.register()  # what workflow rules may do with this app's records
        from salesproc import events
        from salesproc.registry import (
            NavItem,
            Panel,
            SettingsLink,
            register_nav,
            register_panel,
            register_settings_link,
        )

        from . import demo, panels, services

        register_nav(
            NavItem(
                "Territories",
                "territories:territory_list",
                process="territories",
                order=45,
                active_prefix="/territories/",
            )
        )
        register_nav(
            NavItem(
                "Plan my weeks",
                "territories:pattern_plan",
                process="territories",
                order=46,
                active_prefix="/territories/patterns/",
            )
        )
        register_nav(
            NavItem(
                "Coverage",
                "territories:coverage",
                process="territories",
                order=47,
                active_prefix="/territories/coverage/",
            )
        )
        register_nav(
            NavItem(
                "Territory balance",
                "territories:balance",
                process="territories",
                order=48,
                manager_only=True,
                active_prefix="/territories/balance/",
            )
        )
        register_settings_link(
            SettingsLink(
                "Territories",
                "territories:settings",
                "Whether an account's owner follows its territory's rep; the territory "
                "plan's questions.",
                order=60,
            )
        )
        register_settings_link(
            SettingsLink(
                "Tiers and service policies",
                "territories:tier_policies",
                "How accounts fall into tiers A to D and the attention each tier deserves.",
                order=61,
            )
        )
        register_settings_link(
            SettingsLink(
                "Potential model",
                "territories:potential_bands",
                "What an account is worth a year, by industry and size (employees or revenue).",
                order=62,
            )
        )
        register_panel(
            Panel(
                "accounts.account",
                "territories.territory",
                "territories/_account_panel.html",
                panels.account_territory,
                process="territories",
                order=40,
            )
        )
        # New and edited accounts are placed by the rules (pins are kept).
        for name in ("account.created", "account.updated"):
            events.subscribe(
                name, f"territories.assign_{name.split('.')[1]}", services.assign_account_on_event
            )
        # Held and cancelled calls update the call pattern they were planned from.
        from .patterns.services import pattern_visit_follow_call

        events.subscribe("call.*", "territories.pattern_follows_calls", pattern_visit_follow_call)
        demo.register()
        from . import report_types  # coverage and balance, for scheduled sends and CSV

        report_types.register()
