"""Admin settings pages: call types with their question banks, and the objection library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from calls import services
from calls.forms import CallTypeForm, ObjectionForm, call_type_input, objection_input, posted_rows
from calls.models import CallType, Objection
from salesproc.view_support import admin_required
from salesproc.views import apply_errors

from .support import show_errors


@login_required
@admin_required
def call_type_list(request):
    form = CallTypeForm(request.POST or None)
    questions = (
        [r for r in posted_rows(request.POST, "question") if r["question"].strip()]
        if request.method == "POST"
        else []
    )
    if request.method == "POST" and form.is_valid():
        try:
            call_type = services.call_type_create(
                actor=request.user,
                data=call_type_input(form.cleaned_data, [r["question"] for r in questions]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Call type “{call_type.name}” added.")
            return redirect("calls:call_type_list")
    call_types = CallType.objects.prefetch_related("questions").order_by("order", "name")
    return render(
        request,
        "calls/settings_call_types.html",
        {"call_types": call_types, "form": form, "questions": questions},
    )


@login_required
@admin_required
def call_type_edit(request, pk):
    call_type = get_object_or_404(CallType, pk=pk)
    form = CallTypeForm(request.POST or None, instance=call_type)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.call_type_delete(actor=request.user, call_type=call_type)
        except ValidationError as exc:
            show_errors(request, exc)
            return redirect("calls:call_type_edit", pk=pk)
        messages.success(request, "Call type deleted.")
        return redirect("calls:call_type_list")
    if request.method == "POST":
        questions = [r for r in posted_rows(request.POST, "question") if r["question"].strip()]
    else:
        questions = [{"question": q.text} for q in call_type.questions.all()]
    if request.method == "POST" and form.is_valid():
        try:
            services.call_type_update(
                actor=request.user,
                call_type=CallType.objects.get(pk=pk),
                data=call_type_input(form.cleaned_data, [r["question"] for r in questions]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Call type saved. New plans use the new question bank.")
            return redirect("calls:call_type_list")
    return render(
        request,
        "calls/settings_call_type_edit.html",
        {"call_type": call_type, "form": form, "questions": questions},
    )


@login_required
@admin_required
def objection_list(request):
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_create(
                actor=request.user, data=objection_input(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # the buyer's words often end their own sentence: no second full stop
            stop = "" if objection.text.endswith((".", "!", "?", "…")) else "."
            messages.success(request, f"Added to the library: “{objection.text}”{stop}")
            return redirect("calls:objection_list")
    return render(
        request,
        "calls/settings_objections.html",
        {"objections": Objection.objects.order_by("category", "text"), "form": form},
    )


@login_required
@admin_required
def objection_edit(request, pk):
    objection = get_object_or_404(Objection, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.objection_delete(actor=request.user, objection=objection)
        messages.success(request, "Objection removed from the library.")
        return redirect("calls:objection_list")
    form = ObjectionForm(request.POST or None, instance=objection)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_update(
                actor=request.user,
                objection=Objection.objects.get(pk=pk),
                data=objection_input(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Objection saved.")
            return redirect("calls:objection_list")
    return render(
        request, "calls/settings_objection_edit.html", {"objection": objection, "form": form}
    )
