"""The demo-data steps of the apps: each app registers its own from AppConfig.ready(), and
`servicedesk.demo` (project wiring, above every app) runs them, in registration order,
with the `Demo` it built. Kept apart from the demo itself because an app may not import
the wiring above it; this registry imports no app.
"""

from collections.abc import Callable
from typing import Any

DemoStep = Callable[[Any], None]  # called with a servicedesk.demo.Demo
DEMO_STEPS: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> None:
    if step not in DEMO_STEPS:
        DEMO_STEPS.append(step)
