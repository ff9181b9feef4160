"""REST API for customers (/api/v1/customers/)."""
