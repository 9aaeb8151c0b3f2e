"""The control host (`localhost` / `127.0.0.1`): training home page, mailbox and `/_sandbox/*`.

The home page lists, by category, the start pages (`HOME`) and the exercise data (`training()`)
of each record of `replicas.REPLICAS` (see `kit.replica`), the demo account and the mailboxes.

The `/_sandbox/*` endpoints expose the Python API over HTTP for tools running the sandbox in
another process:

- `GET /_sandbox/received[?kind=]` — the records, oldest first (JSON list);
- `GET /_sandbox/mailbox` — the mandataire's messages, newest last (JSON list);
- `GET /_sandbox/faults`, `POST /_sandbox/faults` — JSON body with any of `latency_ms`,
  `relabel` (object), `duplicate_label` (list), `add_after` (object: label → new field's label), `server_error_paths` (list) and
  `"expire_sessions": true`; answers the knobs as they now are;
- `GET /_sandbox/demandes` — the demandes the suivi knows (JSON list); `POST /_sandbox/demandes`
  — JSON body `{"numero", "titre", "statut", "historique"?}` as `Sandbox.add_demande`;
- `GET /_sandbox/today`, `POST /_sandbox/today` — JSON body `{"today": "AAAA-MM-JJ" | null}`;
  answers `{"today": "AAAA-MM-JJ", "fixed": "AAAA-MM-JJ" | null}` (`fixed`: the date set, null when
  the sites follow the real date);
- `POST /_sandbox/reset`;
- `GET /_sandbox/preuve?defi=CHALLENGE` — `{"preuve": HMAC-SHA256(token, PROOF_CONTEXT + challenge)}` in
  hex: how autopilot checks that the server on a port is the sandbox started with the token it was
  given (`Sandbox.address`), without the token ever being sent (docs/adr/0013-trust-boundaries.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from typing import Any

from flask import Blueprint, jsonify, render_template, request

from autopilot.sandbox.kit.demandes import new_demande
from autopilot.sandbox.kit.hosts import CONTROL_HOST, local_url
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import CATEGORIES, Link, Table
from autopilot.sandbox.replicas import REPLICAS
from autopilot.sandbox.sites import ants_compte

PROOF_CONTEXT = "autopilot-bac-a-sable:"
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{16,128}")

MAILBOX_PATH = "/boite-mail"
SMS_PATH = "/sms"

bp = Blueprint("control", __name__)


@bp.route("/", host=CONTROL_HOST)
def home() -> str:
    links = [link for replica in REPLICAS for link in replica.home]
    tables = [table for replica in REPLICAS for table in replica.training()]
    return render_template(
        "control/home.html", account=ants_compte.DEMO_ACCOUNT, otp=current_state().otp,
        mailbox_url=MAILBOX_PATH, sms_url=SMS_PATH, sites=_by_category(links), tables=_by_category(tables),
        local={link: local_url(link.host, link.path) for link in links},
    )


def _by_category(items: list[Link] | list[Table]) -> list[tuple[str, list[Any]]]:
    """`items` grouped by category, in the order of `CATEGORIES`; empty categories left out."""
    groups = [(name, [item for item in items if item.category == name]) for name in CATEGORIES]
    return [(name, grouped) for name, grouped in groups if grouped]


@bp.route(MAILBOX_PATH, host=CONTROL_HOST)
def mailbox() -> str:
    return render_template(
        "control/mailbox.html", messages=list(reversed(current_state().mailbox())),
        adresse=ants_compte.DEMO_ACCOUNT["identifiant"],
    )


@bp.route(SMS_PATH, host=CONTROL_HOST)
def sms() -> str:
    return render_template("control/sms.html", messages=list(reversed(current_state().sms())))


@bp.route("/_sandbox/sms", host=CONTROL_HOST)
def sms_json() -> Any:
    return jsonify(current_state().sms())


@bp.route("/_sandbox/received", host=CONTROL_HOST)
def received() -> Any:
    return jsonify(current_state().received(request.args.get("kind") or None))


@bp.route("/_sandbox/mailbox", host=CONTROL_HOST)
def mailbox_json() -> Any:
    return jsonify(current_state().mailbox())


@bp.route("/_sandbox/faults", methods=["GET", "POST"], host=CONTROL_HOST)
def faults() -> Any:
    knobs = current_state().faults
    if request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify({"error": "expected a JSON object"}), 400
        try:
            knobs.update(body)
        except (TypeError, ValueError) as exc:
            return jsonify({"error": str(exc)}), 400
    return jsonify(knobs.to_json())


@bp.route("/_sandbox/demandes", methods=["GET", "POST"], host=CONTROL_HOST)
def demandes() -> Any:
    state = current_state()
    if request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify({"error": "expected a JSON object"}), 400
        try:
            state.put_demande(new_demande(
                str(body.get("numero", "")), str(body.get("titre", "")), str(body.get("statut", "")),
                body.get("historique"), state.today(),
            ))
        except (TypeError, ValueError) as exc:
            return jsonify({"error": str(exc)}), 400
    return jsonify(state.demandes())


@bp.route("/_sandbox/today", methods=["GET", "POST"], host=CONTROL_HOST)
def today() -> Any:
    state = current_state()
    if request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "today" not in body:
            return jsonify({"error": 'expected {"today": "AAAA-MM-JJ" | null}'}), 400
        try:
            state.set_today(date.fromisoformat(body["today"]) if body["today"] is not None else None)
        except (TypeError, ValueError) as exc:
            return jsonify({"error": str(exc)}), 400
    fixed = state.set_day()
    return jsonify({"today": state.today().isoformat(), "fixed": fixed.isoformat() if fixed else None})


@bp.route("/_sandbox/reset", methods=["POST"], host=CONTROL_HOST)
def reset() -> Any:
    current_state().reset()
    return jsonify({"reset": True})


@bp.route("/_sandbox/preuve", host=CONTROL_HOST)
def proof() -> Any:
    challenge = request.args.get("defi", "")
    if not _CHALLENGE.fullmatch(challenge):
        return jsonify({"error": "defi: 16 to 128 characters among A-Z a-z 0-9 _ -"}), 400
    key = current_state().token.encode()
    return jsonify({"preuve": hmac.new(key, (PROOF_CONTEXT + challenge).encode(), hashlib.sha256).hexdigest()})
