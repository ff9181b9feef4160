"""Scorecards are computed, published and corrected here: computed from kpi.py after the
month ends (beat) or on demand for the running month, published by a manager, and never
recomputed once published — a correction is a new version with its reason."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError

from .kpi import Figures, month_bounds, month_figures
from .models import KpiWeights, Scorecard, ScorecardStatus

PUBLISH_PERMISSION = "quality.publish_scorecard"
MSG_NOT_ALLOWED = _("Only managers compute, publish and correct scorecards.")
MSG_MONTH_RUNNING = _("%(month)s is not over yet; its scorecards can be published after it ends.")
MSG_ONLY_LATEST_PUBLISHED = _("Only the latest published version of a scorecard can be corrected.")
MSG_REASON_REQUIRED = _("Say why the scorecard is corrected.")
MSG_WEIGHTS_SUM = _("The weights add up to %(sum)d %%; they must add up to 100 %%.")
MSG_WEIGHT_RANGE = _("A weight is a whole number from 0 to 100.")

_FIGURE_FIELDS = (
    "home_team_id",
    "handled_count",
    "team_median_handled",
    "sla_met_count",
    "sla_clock_count",
    "survey_count",
    "inspection_count",
    "total_score",
)


class ScorecardAction:
    COMPUTED = "scorecards.computed"
    PUBLISHED = "scorecards.published"
    CORRECTED = "scorecard.corrected"


def _require_publisher(actor) -> None:
    if actor is not None and not actor.has_perm(PUBLISH_PERMISSION):
        raise AuthorityError(MSG_NOT_ALLOWED)


def _apply(scorecard: Scorecard, figures: Figures, weights: dict[str, int], now) -> None:
    for name in _FIGURE_FIELDS:
        setattr(scorecard, name, getattr(figures, name))
    scorecard.quality_score = figures.scores.get("quality")
    scorecard.efficiency_score = figures.scores.get("efficiency")
    scorecard.satisfaction_score = figures.scores.get("satisfaction")
    scorecard.quality_percent = weights["quality"]
    scorecard.efficiency_percent = weights["efficiency"]
    scorecard.satisfaction_percent = weights["satisfaction"]
    scorecard.computed_at = now


def _latest_by_subject(month: date) -> dict[tuple, Scorecard]:
    latest: dict[tuple, Scorecard] = {}
    rows = Scorecard.objects.select_for_update().filter(month=month).order_by("version")
    for scorecard in rows:
        latest[(scorecard.agent_id, scorecard.team_id)] = scorecard
    return latest


@transaction.atomic
def scorecards_compute(*, month: date, actor=None) -> int:
    """Compute the month's scorecards (beat: actor None; a manager: on demand). Drafts are
    refreshed, subjects with a published version are left alone. Returns how many
    scorecards were written."""
    _require_publisher(actor)
    weights, figures = month_figures(month)
    latest = _latest_by_subject(month)
    now = timezone.now()
    new, changed = [], []
    for row in figures:
        scorecard = latest.get(row.key())
        if scorecard is not None and scorecard.status == ScorecardStatus.PUBLISHED:
            continue  # final: only a correction (a new version) changes it
        if scorecard is None:
            scorecard = Scorecard(month=month, agent_id=row.agent_id, team_id=row.team_id)
            new.append(scorecard)
        else:
            changed.append(scorecard)
        _apply(scorecard, row, weights, now)
    Scorecard.objects.bulk_create(new, batch_size=1000)
    fields = [
        *_FIGURE_FIELDS,
        "quality_score",
        "efficiency_score",
        "satisfaction_score",
        "quality_percent",
        "efficiency_percent",
        "satisfaction_percent",
        "computed_at",
    ]
    Scorecard.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new) + len(changed)


@transaction.atomic
def scorecards_publish(*, month: date, actor) -> int:
    """Publish the month's drafts (after the month ended); returns how many."""
    _require_publisher(actor)
    _start, end = month_bounds(month)
    if timezone.now() < end:
        raise ValidationError(MSG_MONTH_RUNNING % {"month": f"{month:%Y-%m}"}, field="month")
    drafts = Scorecard.objects.select_for_update().filter(month=month, status=ScorecardStatus.DRAFT)
    return drafts.update(
        status=ScorecardStatus.PUBLISHED, published_at=timezone.now(), published_by=actor
    )


@transaction.atomic
def scorecard_correct(*, scorecard: Scorecard, actor, reason: str) -> Scorecard:
    """A published scorecard's figures were wrong (a late inspection, a reassigned ticket):
    compute its subject afresh as a new draft version carrying the reason."""
    _require_publisher(actor)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    latest = _latest_by_subject(scorecard.month).get((scorecard.agent_id, scorecard.team_id))
    if latest is None or latest.pk != scorecard.pk or latest.status != ScorecardStatus.PUBLISHED:
        raise ConflictError(MSG_ONLY_LATEST_PUBLISHED)
    weights, figures = month_figures(scorecard.month)
    row = next((f for f in figures if f.key() == (scorecard.agent_id, scorecard.team_id)), None)
    row = row or Figures(agent_id=scorecard.agent_id, team_id=scorecard.team_id)
    correction = Scorecard(
        month=scorecard.month,
        agent_id=scorecard.agent_id,
        team_id=scorecard.team_id,
        version=scorecard.version + 1,
        correction_reason=reason,
    )
    _apply(correction, row, weights, timezone.now())
    correction.save()
    return correction


@transaction.atomic
def kpi_weights_set(*, actor, quality: object, efficiency: object, satisfaction: object):
    """Change the weights; they must be whole numbers summing to 100 [S1 §3.2: 40/30/30]."""
    _require_publisher(actor)
    values = {}
    errors = {}
    for name, raw in (
        ("quality", quality),
        ("efficiency", efficiency),
        ("satisfaction", satisfaction),
    ):
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= 100 or str(raw).strip() != str(value):
            errors[name] = [MSG_WEIGHT_RANGE]
        values[name] = value
    if errors:
        raise ValidationError(MSG_WEIGHT_RANGE, fields=errors)
    total = sum(values.values())
    if total != 100:
        raise ValidationError(MSG_WEIGHTS_SUM % {"sum": total}, field="non_field_errors")
    weights, _created = KpiWeights.objects.select_for_update().get_or_create(pk=1)
    weights.quality_percent = values["quality"]
    weights.efficiency_percent = values["efficiency"]
    weights.satisfaction_percent = values["satisfaction"]
    weights.save()
    return weights
