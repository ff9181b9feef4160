"""Read-only REST API for staff and teams (/api/v1/staff/, /api/v1/teams/).

There is no KPI scorecard model yet: this exposes who works here, their role and level
on the career ladder, and their teams. Scorecards join here when the KPI model lands.
"""
