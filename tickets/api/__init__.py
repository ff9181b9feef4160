"""REST API for tickets (/api/v1/tickets/), following servicedesk/api's conventions."""
