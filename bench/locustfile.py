"""The load test's people, run by bench/load.py (locust, headless, against 127.0.0.1).

Integrations create tickets through the API (bearer tokens); agents work their queue in
the browser pages (list, open a ticket, reply with the page's form); managers read the
SLA dashboard, the queue and the API list. bench/load.py writes the world file it reads
(tokens, session keys, each agent's open tickets) and starts everything.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

with open(os.environ["LOAD_BENCH_WORLD"]) as world_file:
    WORLD = json.load(world_file)

VERSION = re.compile(r'name="version" value="(\d+)"')
_agents = itertools.cycle(WORLD["agents"])
_managers = itertools.cycle(WORLD["managers"])


def _browser_headers(person: dict) -> dict:
    # Production cookies are Secure, so the HTTP client would not send them to plain
    # http://127.0.0.1: the session and CSRF cookies go as a header instead. The CSRF
    # form value is the cookie's secret, which Django accepts unmasked.
    return {"Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}"}


class Integration(HttpUser):
    """A shop or CRM opening tickets for its customers."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {WORLD['integration_token']}"

    @task
    def create_ticket(self):
        self.client.post(
            "/api/v1/tickets/",
            json={
                "subject": f"订单 {random.randrange(10**8)} 未发货",
                "description": "Customer asks where the parcel is.",
                "channel": "api",
                "team": random.choice(WORLD["teams"]),
                "customer": random.randint(1, WORLD["customers"]),
            },
            name="api: create ticket",
        )


class Agent(HttpUser):
    """An agent in the browser: the queue, a ticket, a reply."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self):
        self.person = next(_agents)
        self.client.headers.update(_browser_headers(self.person))

    @task(3)
    def queue(self):
        self.client.get("/tickets/", name="page: agent queue")

    @task(2)
    def reply(self):
        reference = random.choice(self.person["tickets"])
        page = self.client.get(f"/tickets/{reference}/", name="page: ticket")
        found = VERSION.search(page.text or "")
        if found is None:
            return
        with self.client.post(
            f"/tickets/{reference}/reply/",
            data={
                "csrfmiddlewaretoken": self.person["csrf"],
                "version": found.group(1),
                "body": "您好，我们已收到您的问题，正在处理。",
            },
            allow_redirects=False,
            name="page: reply",
            catch_response=True,
        ) as response:
            # Post/redirect/get: a 302 is a sent reply. A 422 is the form again, e.g. because
            # another agent changed the ticket in between: counted apart from server errors.
            if response.status_code == 302:
                response.success()
            elif response.status_code == 422:
                response.failure("form refused (422), e.g. the ticket changed in between")
            else:
                response.failure(f"HTTP {response.status_code}")


class Manager(HttpUser):
    """A manager watching the SLA dashboard and the whole queue."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        self.person = next(_managers)
        self.client.headers.update(_browser_headers(self.person))

    @task(2)
    def dashboard(self):
        self.client.get("/sla/", name="page: SLA dashboard")

    @task(1)
    def queue(self):
        self.client.get("/tickets/", name="page: manager queue")

    @task(1)
    def api_list(self):
        self.client.get("/api/v1/tickets/?page_size=50", name="api: list 50")
