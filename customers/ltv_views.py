"""The quarterly lifetime-value review page (/customers/ltv-review/): the Pareto view and
the proposals a manager approves or rejects in bulk. Thin: the reads and the decision are
customers/ltv.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicedesk.exceptions import ServiceDeskError

from .ltv import DECISIONS, latest_ltv_review, ltv_proposals, ltv_proposals_decide, proposal_reason
from .models import LtvReview, ProposalState

REVIEW_PERMISSION = "customers.review_ltv"
PROPOSALS_PER_PAGE = 50


def _review(request) -> LtvReview | None:
    review_id = request.GET.get("review") or request.POST.get("review")
    if review_id and str(review_id).isdigit():
        return get_object_or_404(LtvReview, pk=int(review_id))
    return latest_ltv_review()


@login_required
@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def ltv_review(request):
    review = _review(request)
    state = request.GET.get("state", ProposalState.PENDING)
    if state not in ProposalState.values:
        state = ""
    error, status = None, 200
    if request.method == "POST" and review is not None:
        try:
            decided = ltv_proposals_decide(
                proposal_ids=[pk for pk in request.POST.getlist("proposals") if pk.isdigit()],
                decision=request.POST.get("decision", ""),
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except ServiceDeskError as refused:
            error, status = refused.message, refused.status_code
        else:
            messages.success(
                request,
                _("%(count)d proposals decided.") % {"count": len(decided)},
            )
            return redirect(f"{request.path}?review={review.pk}")
    page = None
    if review is not None:
        page = Paginator(ltv_proposals(review=review, state=state), PROPOSALS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for proposal in page.object_list:
            proposal.reason = proposal_reason(proposal)
    context = {
        "review": review,
        "page": page,
        "state": state,
        "states": ProposalState.choices,
        "decisions": DECISIONS,
        "error": error,
        "chosen": set(request.POST.getlist("proposals")),
    }
    return render(request, "customers/ltv_review.html", context, status=status)
