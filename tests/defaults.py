"""The rows that data migrations load, installed again after a committed test's flush.

A flush empties every table; the post_migrate it sends brings back content types,
permissions and the role groups, but not what data migrations loaded. Each installer
below is idempotent (it adds only what is missing), so running it twice changes nothing.
"""

import importlib

from django.apps import apps

# Every migration of ours with a RunPython/RunSQL step, by what a flush does to it:
# rows it loads are emptied (re-installed below); a trigger it creates survives a flush.
DATA_MIGRATIONS = {
    ("tickets", "0003_default_intake_templates"),
    ("tickets", "0005_intake_guidance_in_both_languages"),
    ("sla", "0002_default_policies"),
    ("sla", "0009_complaint_contact_clocks_never_pause"),
    ("sla", "0010_reconcile_default_targets"),
    ("sla", "0011_satisfaction_investigation"),
    ("complaints", "0002_seed_configuration"),
    ("quality", "0002_inspections_and_scorecards"),
    ("customers", "0008_membership_ladder"),
}
SCHEMA_ONLY_MIGRATIONS = {
    ("tickets", "0002_events_append_only_trigger"),
    ("tickets", "0006_search_bigrams"),
    ("sla", "0006_policy_table_revision_trigger"),
    ("sla", "0007_official_calendar_years"),
    ("quality", "0003_published_scorecard_final"),
    # Moves the existing per-level limits onto profiles: it loads no rows of its own.
    ("complaints", "0006_approval_limits_on_profiles"),
    # Encrypts the contact details of existing customers in place: it loads no rows.
    ("customers", "0010_encrypt_personal_data"),
    # Triggers that keep the tickets' SLA summary and the clocks' copies of their ticket's
    # values, and fill both for the rows already there: they load no rows of their own.
    ("sla", "0015_ticket_sla_summary_triggers"),
    ("sla", "0016_clock_ticket_copies"),
    # Refuses to add the one-customer-per-contact indexes over duplicates: it loads no rows.
    ("customers", "0012_customer_one_per_contact"),
}


def _migration(app_label: str, name: str):
    package = apps.get_app_config(app_label).module.__name__
    return importlib.import_module(f"{package}.migrations.{name}")


def reinstall_defaults() -> None:
    """Install every data-migration default that is missing (after a flush: all of them)."""
    from staff.roles import ensure_role_groups
    from tickets.sla.defaults import install_defaults

    _migration("tickets", "0003_default_intake_templates").add_templates(apps, None)
    _migration("tickets", "0005_intake_guidance_in_both_languages").translate_guidance(apps, None)
    install_defaults(apps)
    _migration("complaints", "0002_seed_configuration").seed(apps, None)
    _migration("quality", "0002_inspections_and_scorecards").install_defaults(apps, None)
    _migration("customers", "0008_membership_ladder").install_default_levels(apps, None)
    # Normally done by the flush's post_migrate; repeated so the groups never depend on it.
    ensure_role_groups()
