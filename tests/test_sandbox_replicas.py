"""The registry of replicas (`replicas.REPLICAS`) agrees with what the server serves.

Each replica declares its hosts and its home page links; the server registers its blueprint. The
checks read the application's URL map, so a replica that serves a page on a host it does not
declare, two replicas answering the same page, or a home link no page of its replica answers,
all show up here (a link may lead to another replica's page: the vehicle démarches share one list). A deliberately broken registry proves the checks can fail.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from autopilot.sandbox.kit.replica import Replica
from autopilot.sandbox.kit.state import SandboxState
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.replicas import REPLICAS
from autopilot.sandbox.server import SITE_HOSTS, create_app


def problems(replicas: tuple[Replica, ...], app: Flask) -> list[str]:
    """What is inconsistent between `replicas` and the routes `app` serves."""
    found: list[str] = []
    names = [replica.name for replica in replicas]
    found += [f"two replicas named {name}" for name in set(names) if names.count(name) > 1]
    owner = {replica.blueprint.name: replica for replica in replicas if replica.blueprint}
    served: dict[tuple[str, str, str], str] = {}
    for rule in app.url_map.iter_rules():
        replica = owner.get(rule.endpoint.split(".")[0]) if "." in rule.endpoint else None
        if replica is None:
            continue
        if rule.host not in replica.hosts:
            found.append(f"{replica.name} serves {rule.rule} on {rule.host}, a host it does not declare")
        for method in rule.methods or ():
            key = (rule.host or "", rule.rule, method)
            if key in served and served[key] != replica.name:
                found.append(f"{served[key]} and {replica.name} both serve {method} {rule.host}{rule.rule}")
            served[key] = replica.name
    for replica in replicas:  # a link may lead to a sibling's page (the vehicle démarches share one list)
        for link in replica.home:
            endpoint = _endpoint(app, link)
            if endpoint is None or endpoint.split(".")[0] not in owner:
                found.append(f"{replica.name}'s home link {link.real_url} is no replica's page ({endpoint})")
    return found


def _endpoint(app: Flask, link: Link) -> str | None:
    """The endpoint answering a GET of the link, following a trailing-slash redirect."""
    adapter = app.url_map.bind(link.host)
    try:
        return adapter.match(link.path, method="GET")[0]
    except RequestRedirect as moved:
        return adapter.match(moved.new_url.split(link.host, 1)[1], method="GET")[0]
    except HTTPException:
        return None


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(SandboxState(otp=False))


def test_the_registry_agrees_with_the_served_routes(app):
    assert problems(REPLICAS, app) == []


def test_every_declared_host_is_served():
    assert set(SITE_HOSTS) == {host for replica in REPLICAS for host in replica.hosts}
    for replica in REPLICAS:
        assert replica.blueprint is not None or not replica.hosts, replica.name


def test_a_broken_registry_is_caught():
    """Two replicas on one page, a page on an undeclared host, a home link to no replica's page."""
    first, second = Blueprint("premier", __name__), Blueprint("second", __name__)
    for bp in (first, second):
        bp.add_url_rule("/page", "page", lambda: "", host="a.gouv.fr")
    second.add_url_rule("/autre", "autre", lambda: "", host="b.gouv.fr")
    broken = (
        Replica("premier", first, ("a.gouv.fr",)),
        Replica("second", second, ("a.gouv.fr",), home=(Link("Exercice", "Une page", "a.gouv.fr", "/rien"),)),
    )
    app = Flask(__name__, host_matching=True, static_folder=None)
    app.register_blueprint(first)
    app.register_blueprint(second)
    found = problems(broken, app)
    assert any("premier and second both serve GET a.gouv.fr/page" in p for p in found), found
    assert any("second serves /autre on b.gouv.fr" in p for p in found), found
    assert any("second's home link https://a.gouv.fr/rien is no replica's page" in p for p in found), found


def test_a_replica_describes_only_hosts_it_serves():
    with pytest.raises(ValueError, match="describes a host it does not serve"):
        Replica("x", Blueprint("x", __name__), ("a.gouv.fr",), services={"b.gouv.fr": {"name": "B"}})
    with pytest.raises(ValueError, match="no blueprint"):
        Replica("x", None, ("a.gouv.fr",))
