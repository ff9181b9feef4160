"""The reply scripts pages: agents read the active scripts, managers write them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .forms import (
    ReplyScriptForm,
)
from .models import (
    ReplyScript,
)
from .selectors import reply_scripts_for

INVALID = 422


@login_required
@require_GET
def scripts(request):
    if not request.user.has_perm("complaints.view_replyscript"):
        raise PermissionDenied
    return render(
        request,
        "complaints/scripts.html",
        {
            "scripts": reply_scripts_for(active_only=False),
            "can_edit": request.user.has_perm("complaints.change_replyscript"),
        },
    )


@login_required
@permission_required("complaints.change_replyscript", raise_exception=True)
@require_http_methods(["GET", "POST"])
def script_edit(request, script_id: int | None = None):
    script = get_object_or_404(ReplyScript, pk=script_id) if script_id else None
    form = ReplyScriptForm(request.POST or None, instance=script)
    if request.method == "POST":
        if form.is_valid():
            services.reply_script_save(actor=request.user, script=script, fields=form.cleaned_data)
            messages.success(request, _("Reply script saved."))
            return redirect("complaints:scripts")
        return render(
            request, "complaints/script_form.html", {"form": form, "script": script}, status=INVALID
        )
    return render(request, "complaints/script_form.html", {"form": form, "script": script})
