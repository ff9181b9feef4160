"""Quality pages. The survey page is public (the signed link is the credential), one
form, no JavaScript, readable on a phone, in the customer's language."""

from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from servicedesk.exceptions import ConflictError, NotFound, ValidationError

from .surveys import (
    DIMENSIONS,
    MSG_ALREADY_ANSWERED,
    SurveyExpired,
    survey_answer,
    survey_for_token,
)

INVALID = 422


DIMENSION_QUESTIONS = {
    "attitude": _("Service attitude"),
    "effectiveness": _("Effectiveness: was your problem solved?"),
    "timeliness": _("Timeliness: were we quick enough?"),
}


def _survey_form(request, survey, *, values=None, errors=None, status=200):
    values, errors = values or {}, errors or {}
    context = {
        "survey": survey,
        "dimensions": [
            (name, DIMENSION_QUESTIONS[name], errors.get(name), values.get(name, ""))
            for name in DIMENSIONS
        ],
        "recommend": values.get("recommend", ""),
        "comment": values.get("comment", ""),
        "errors": errors,
        "scale": [str(score) for score in range(1, 6)],
        "recommend_scale": [str(score) for score in range(0, 11)],
    }
    return render(request, "quality/survey.html", context, status=status)


def _closed(request, message, status):
    return render(request, "quality/survey_closed.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    try:
        survey = survey_for_token(token)
    except NotFound as error:
        return _closed(request, error.message, 404)
    except SurveyExpired as error:
        with translation.override(error.language or translation.get_language()):
            return _closed(request, error.message, 410)
    with translation.override(survey.language):
        if survey.is_answered:
            return _closed(request, MSG_ALREADY_ANSWERED, 409)
        if request.method == "GET":
            return _survey_form(request, survey)
        try:
            survey_answer(token=token, answers=request.POST.dict())
        except ValidationError as error:
            return _survey_form(
                request, survey, values=request.POST, errors=error.fields, status=INVALID
            )
        except ConflictError as error:
            return _closed(request, error.message, 409)
        except SurveyExpired as error:
            return _closed(request, error.message, 410)
        return render(request, "quality/survey_thanks.html", {"survey": survey})
