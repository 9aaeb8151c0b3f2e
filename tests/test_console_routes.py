"""The console's web app is its route table: every URL comes from `ROUTES`, and each goes through
the same guard (its own host only, no cross-origin post, nothing cached)."""

from __future__ import annotations

import re

import pytest

from autopilot.ui.desk import Desk
from autopilot.ui.server import ROUTES, create_app

HERE = {"Host": "127.0.0.1:5555"}


@pytest.fixture
def client(library, tmp_path):
    desk = Desk(library, mediateur="Camille Martin", sandbox=False, mairie="Mairie de Saint-Exemple",
                visits=tmp_path / "visites")
    return create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()


def _url(rule: str) -> str:
    """A concrete URL for `rule`: 1 for a number, a catalogue flow for a flow id."""
    return "/jeton" + re.sub(r"<int:\w+>", "1", rule.replace("<flow_id>", "passeport-pre-demande"))


def test_the_app_serves_exactly_the_route_table(client):
    served = {(rule.rule, method) for rule in client.application.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint != "static"}
    assert served == {("/jeton" + route.rule, route.method) for route in ROUTES}
    assert len({route.endpoint for route in ROUTES}) == len(ROUTES)  # one view, one endpoint


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.rule}")
def test_every_route_goes_through_the_guard(client, route):
    call = client.get if route.method == "GET" else client.post
    assert call(_url(route.rule), headers={"Host": "attaquant.example:5555"}).status_code == 404
    if route.method == "POST":
        assert call(_url(route.rule), headers={**HERE, "Origin": "http://localhost:8000"}).status_code == 403
    answer = call(_url(route.rule), headers={**HERE, "Origin": "http://127.0.0.1:5555"})
    assert answer.status_code < 500
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
