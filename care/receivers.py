"""Reactions of the care programme to what the customers app announces."""

from .services import care_tasks_skip_for_opt_out


def skip_open_tasks_of_opted_out_customer(sender, *, customer, actor, at, **kwargs) -> None:
    care_tasks_skip_for_opt_out(customer=customer, actor=actor, at=at)
