"""The control host (`localhost` / `127.0.0.1`): training home page, mailbox and `/_sandbox/*`.

The `/_sandbox/*` endpoints expose the Python API over HTTP for tools running the sandbox in
another process:

- `GET /_sandbox/received[?kind=]` — the records, oldest first (JSON list);
- `GET /_sandbox/mailbox` — the mandataire's messages, newest last (JSON list);
- `GET /_sandbox/faults`, `POST /_sandbox/faults` — JSON body with any of `latency_ms`,
  `relabel` (object), `duplicate_label` (list), `server_error_paths` (list) and
  `"expire_sessions": true`; answers the knobs as they now are;
- `POST /_sandbox/reset`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from autopilot.sandbox import ants_compte, ants_passeport
from autopilot.sandbox.hosts import CONTROL_HOST, local_url
from autopilot.sandbox.state import current_state

MAILBOX_PATH = "/boite-mail"

bp = Blueprint("control", __name__)


@bp.route("/", host=CONTROL_HOST)
def home() -> str:
    sites = [
        ("Mon compte ANTS (compte mandataire de la mairie)",
         local_url(ants_compte.ANTS_HOST, ants_compte.LOGIN_PATH),
         "https://" + ants_compte.ANTS_HOST + ants_compte.LOGIN_PATH),
        ("Pré-demande de passeport",
         local_url(ants_passeport.PASSPORT_HOST, ants_passeport.START_PATH),
         "https://" + ants_passeport.PASSPORT_HOST + ants_passeport.START_PATH),
    ]
    return render_template(
        "control/home.html", sites=sites, account=ants_compte.DEMO_ACCOUNT,
        mailbox_url=MAILBOX_PATH, otp=current_state().otp,
    )


@bp.route(MAILBOX_PATH, host=CONTROL_HOST)
def mailbox() -> str:
    return render_template(
        "control/mailbox.html", messages=list(reversed(current_state().mailbox())),
        adresse=ants_compte.DEMO_ACCOUNT["identifiant"],
    )


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


@bp.route("/_sandbox/reset", methods=["POST"], host=CONTROL_HOST)
def reset() -> Any:
    current_state().reset()
    return jsonify({"reset": True})
