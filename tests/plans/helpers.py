"""Plans in the states the tests start from."""

from plans import services as plans

from .conftest import FILLED


def approved_plan(ticket, agent):
    """A simple request's plan, submitted and so made (approved) now."""
    plan = plans.plan_draft(ticket=ticket, actor=agent)
    plans.plan_update_sections(plan=plan, actor=agent, sections=FILLED)
    plans.plan_submit(plan=plan, actor=agent)
    plan.refresh_from_db()
    return plan
