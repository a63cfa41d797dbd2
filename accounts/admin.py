from django.contrib import admin

from salesproc.admin_support import DomainRecordAdmin

from .models import Account, Contact


@admin.register(Account)
class AccountAdmin(DomainRecordAdmin):
    list_display = ["name", "domain", "status", "industry", "country", "owner"]
    list_filter = ["status", "industry"]
    search_fields = ["name", "domain"]
    list_select_related = ["owner"]


@admin.register(Contact)
class ContactAdmin(DomainRecordAdmin):
    list_display = ["last_name", "first_name", "email", "account", "owner"]
    search_fields = ["last_name", "first_name", "email"]
    list_select_related = ["owner", "account"]
