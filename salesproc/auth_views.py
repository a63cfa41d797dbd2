"""Log-in and password-reset pages: Django's views with our forms, templates and lockout."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from . import lockout
from .client import client_address
from .forms import CrmAuthenticationForm


class LoginView(auth_views.LoginView):
    authentication_form = CrmAuthenticationForm


class PasswordResetView(auth_views.PasswordResetView):
    """Each request counts, per email and per address: the form can't be used to flood a
    mailbox or to probe addresses at speed."""

    success_url = reverse_lazy("password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        address = client_address(self.request)
        lock = lockout.lock_for(kind=lockout.PASSWORD_RESET, username=email, address=address)
        if lock is not None:
            form.add_error(None, lockout.lock_message(lock, kind=lockout.PASSWORD_RESET))
            return self.form_invalid(form)
        lockout.record_failure(kind=lockout.PASSWORD_RESET, username=email, address=address)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
