"""/api/v1/complaints/ and /api/v1/compensations/: thin views over complaints.services.

Stage moves take If-Match: a stale ETag is refused with 412 before anything happens; a
move that races another one on the same complaint gets 409 (the service locks the row).
"""

from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from servicedesk.api.concurrency import MSG_STALE, expected_version
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet
from servicedesk.exceptions import PreconditionFailed

from .. import services
from ..models import Compensation, CompensationStatus, Complaint, ComplaintContact, StageEntry
from ..report import report_file_name, report_pdf_open
from .serializers import (
    AdvanceInput,
    CompensationRequestInput,
    CompensationSerializer,
    ComplaintCreateInput,
    ComplaintSerializer,
    ContactInput,
    ContactSerializer,
    DecisionInput,
    ReopenInput,
    SeverityInput,
)


def _expected_version(request, complaint: Complaint) -> int | None:
    """If-Match → the version the client read; stale → 412 here, before any work."""
    version = expected_version(request, complaint)
    if version is not None and version != complaint.version:
        raise PreconditionFailed(MSG_STALE)
    return version


def _complaints_with_details():
    return Complaint.objects.select_related("ticket", "category").prefetch_related(
        Prefetch(
            "entries",
            queryset=StageEntry.objects.select_related("actor").order_by("created_at", "pk"),
        ),
        Prefetch(
            "compensations",
            queryset=Compensation.objects.select_related("requested_by", "decided_by"),
        ),
        "reports",
        Prefetch(
            "contacts",
            queryset=ComplaintContact.objects.select_related("made_by").order_by(
                "contacted_at", "pk"
            ),
        ),
    )


def _complaints_for(user):
    return _complaints_with_details().visible_to(user)


@extend_schema_view(
    list=extend_schema(summary="List the complaints the caller may see"),
    retrieve=extend_schema(summary="Read one complaint with its stages (and its ETag)"),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Complaints: the five stages, compensation requests, reopen, severity, reports."""

    serializer_class = ComplaintSerializer
    ordering_fields = ("id", "opened_at")
    ordering = ("-id",)
    filterset_fields = ("stage", "severity", "category")
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.COMPLAINTS_READ, "write": Scope.COMPLAINTS_WRITE}
    action_permissions = {
        "create": ["complaints.add_complaint"],
        "advance": ["complaints.change_complaint"],
        "request_compensation": ["complaints.change_complaint"],
        "reopen": ["complaints.change_complaint"],
        "change_severity": ["complaints.change_complaint"],
        "record_contact": ["complaints.change_complaint"],
    }
    if_match_actions = frozenset(
        {"advance", "request_compensation", "reopen", "change_severity", "record_contact"}
    )
    etag_actions = frozenset({"retrieve", "create", *if_match_actions})

    def get_queryset(self):
        return _complaints_for(self.request.user)

    def _respond(self, complaint, status_code=status.HTTP_200_OK):
        # Not through the visibility filter: a complaint opened for another team's channel
        # is answered once, to its creator, even though it leaves the creator's sight.
        complaint = _complaints_with_details().get(pk=complaint.pk)
        response = Response(ComplaintSerializer(complaint).data, status=status_code)
        return self.etag_response(response, complaint)

    def retrieve(self, request, pk=None):
        complaint = self.get_object()
        return self.etag_response(Response(ComplaintSerializer(complaint).data), complaint)

    @extend_schema(
        summary="Open a complaint (a ticket of kind complaint)",
        request=ComplaintCreateInput,
        responses={201: ComplaintSerializer},
    )
    def create(self, request):
        data = ComplaintCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_open(actor=request.user, **data.validated_data)
        response = self._respond(complaint, status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{complaint.pk}/"
        return response

    @extend_schema(
        summary="Record the next stage (If-Match; 409 if moved at the same time)",
        request=AdvanceInput,
        responses={200: ComplaintSerializer},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        complaint = self.get_object()
        version = _expected_version(request, complaint)
        data = AdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_advance(
            complaint=complaint,
            actor=request.user,
            to=data.validated_data["to"],
            content=data.validated_data["content"],
            expected_version=version,
        )
        return self._respond(complaint)

    @extend_schema(
        summary="Request the compensation agreed in negotiation (waits above the limit)",
        request=CompensationRequestInput,
        responses={201: CompensationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="compensations")
    def request_compensation(self, request, pk=None):
        complaint = self.get_object()
        version = _expected_version(request, complaint)
        data = CompensationRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        compensation = services.complaint_request_compensation(
            complaint=complaint, actor=request.user, expected_version=version, **data.validated_data
        )
        complaint.refresh_from_db(fields=["version"])
        response = Response(
            CompensationSerializer(compensation).data, status=status.HTTP_201_CREATED
        )
        return self.etag_response(response, complaint)

    @extend_schema(
        summary="Record a contact with the customer that happened (meets first contact)",
        request=ContactInput,
        responses={201: ContactSerializer},
    )
    @action(detail=True, methods=["post"], url_path="contacts")
    def record_contact(self, request, pk=None):
        complaint = self.get_object()
        version = _expected_version(request, complaint)
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.complaint_contact_record(
            complaint=complaint, actor=request.user, expected_version=version, **data.validated_data
        )
        complaint.refresh_from_db(fields=["version"])
        response = Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)
        return self.etag_response(response, complaint)

    @extend_schema(
        summary="Reopen: go back so a stage is recorded again (supervisors and above)",
        request=ReopenInput,
        responses={200: ComplaintSerializer},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        complaint = self.get_object()
        version = _expected_version(request, complaint)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_reopen(
            complaint=complaint, actor=request.user, expected_version=version, **data.validated_data
        )
        return self._respond(complaint)

    @extend_schema(
        summary="Change the severity, and the complexity with it if given (one change)",
        request=SeverityInput,
        responses={200: ComplaintSerializer},
    )
    @action(detail=True, methods=["post"], url_path="severity")
    def change_severity(self, request, pk=None):
        complaint = self.get_object()
        version = _expected_version(request, complaint)
        data = SeverityInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_change_terms(
            complaint=complaint,
            actor=request.user,
            severity=data.validated_data["severity"],
            # Left out, the complexity stays as read (the If-Match version guards the read).
            complexity=data.validated_data.get("complexity", complaint.complexity),
            expected_version=version,
        )
        return self._respond(complaint)

    @extend_schema(
        summary="Download a version of the written handling report (PDF)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path=r"reports/(?P<version>[0-9]+)")
    def report(self, request, pk=None, version=None):
        complaint = self.get_object()
        report = get_object_or_404(complaint.reports.all(), version=int(version))
        return FileResponse(
            report_pdf_open(report),
            as_attachment=True,
            filename=report_file_name(report),
            content_type="application/pdf",
        )


@extend_schema_view(
    list=extend_schema(summary="Compensations waiting for approval that the caller may see"),
    retrieve=extend_schema(summary="Read one compensation"),
)
class CompensationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Compensation approvals: approve or reject a waiting request (not one's own)."""

    serializer_class = CompensationSerializer
    ordering_fields = ("id", "requested_at")
    ordering = ("id",)
    filterset_fields = ("status",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.COMPLAINTS_READ, "write": Scope.COMPLAINTS_WRITE}
    action_permissions = {
        "approve": ["complaints.approve_compensation"],
        "reject": ["complaints.approve_compensation"],
    }

    def get_queryset(self):
        compensations = Compensation.objects.filter(
            complaint__in=Complaint.objects.visible_to(self.request.user).values("pk")
        ).select_related("requested_by", "decided_by")
        if self.action == "list" and "status" not in self.request.query_params:
            compensations = compensations.filter(status=CompensationStatus.PENDING_APPROVAL)
        return compensations

    def _decide(self, request, decide):
        compensation = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        compensation = decide(
            compensation=compensation, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(CompensationSerializer(compensation).data)

    @extend_schema(summary="Approve (within the approver's limit)", request=DecisionInput)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.complaint_approve_compensation)

    @extend_schema(summary="Reject with a reason", request=DecisionInput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.complaint_reject_compensation)
