"""The control host (`localhost` / `127.0.0.1`): training home page, mailbox and `/_sandbox/*`.

The `/_sandbox/*` endpoints expose the Python API over HTTP for tools running the sandbox in
another process:

- `GET /_sandbox/received[?kind=]` — the records, oldest first (JSON list);
- `GET /_sandbox/mailbox` — the mandataire's messages, newest last (JSON list);
- `GET /_sandbox/faults`, `POST /_sandbox/faults` — JSON body with any of `latency_ms`,
  `relabel` (object), `duplicate_label` (list), `server_error_paths` (list) and
  `"expire_sessions": true`; answers the knobs as they now are;
- `GET /_sandbox/demandes` — the demandes the suivi knows (JSON list); `POST /_sandbox/demandes`
  — JSON body `{"numero", "titre", "statut", "historique"?}` as `Sandbox.add_demande`;
- `GET /_sandbox/today`, `POST /_sandbox/today` — JSON body `{"today": "AAAA-MM-JJ" | null}`;
  answers `{"today": "AAAA-MM-JJ"}`;
- `POST /_sandbox/reset`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify, render_template, request

from autopilot.sandbox import ants_cni, ants_compte, ants_passeport, exercices
from autopilot.sandbox.demandes import TITRES, new_demande
from autopilot.sandbox.hosts import CONTROL_HOST, local_url
from autopilot.sandbox.state import current_state

MAILBOX_PATH = "/boite-mail"
SMS_PATH = "/sms"

bp = Blueprint("control", __name__)


@bp.route("/", host=CONTROL_HOST)
def home() -> str:
    sites = [
        (title, local_url(host, path), f"https://{host}{path}")
        for title, host, path in (
            ("Mon compte ANTS (compte mandataire de la mairie)", ants_compte.ANTS_HOST, ants_compte.LOGIN_PATH),
            ("Pré-demande de carte d'identité", ants_cni.CNI_HOST, ants_cni.START_PATH),
            ("Pré-demande de passeport (avec le timbre fiscal)",
             ants_passeport.PASSPORT_HOST, ants_passeport.START_PATH),
            ("Suivre une demande de carte d'identité", ants_compte.ANTS_HOST, ants_compte.SUIVI_PATHS["cni"]),
            ("Suivre une demande de passeport", ants_compte.ANTS_HOST, ants_compte.SUIVI_PATHS["passeport"]),
            ("Exercice : inscription à un atelier numérique (date en trois cases, pièce jointe, cadre intégré)",
             exercices.HOST, exercices.START_PATH),
        )
    ]
    state = current_state()
    return render_template(
        "control/home.html", sites=sites, account=ants_compte.DEMO_ACCOUNT,
        mailbox_url=MAILBOX_PATH, sms_url=SMS_PATH, otp=state.otp, demandes=state.demandes(), titres=TITRES,
    )


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
    return jsonify({"today": state.today().isoformat()})


@bp.route("/_sandbox/reset", methods=["POST"], host=CONTROL_HOST)
def reset() -> Any:
    current_state().reset()
    return jsonify({"reset": True})
