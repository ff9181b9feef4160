"""`manage.py seed_demo` draws a progress bar in place, so a first run is never silent."""

import io

from django.core.management import load_command_class
from django.core.management.base import OutputWrapper


def test_the_bar_is_redrawn_in_place_and_ends_its_line_when_full():
    output = io.StringIO()
    command = load_command_class("servicedesk", "seed_demo")
    command.stdout = OutputWrapper(output)
    command.progress("tickets", 150, 300)
    command.progress("tickets", 300, 300)
    assert output.getvalue() == (
        "\r  tickets      [" + "#" * 15 + "." * 15 + "] 150/300"
        "\r  tickets      [" + "#" * 30 + "] 300/300\n"
    )
