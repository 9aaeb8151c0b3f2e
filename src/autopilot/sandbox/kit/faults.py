"""Fault knobs: the ways the replicas can misbehave on purpose, for the reliability tests.

The knobs are generic. Latency and server errors are applied to every request on a site host
(`apply_request_faults`); relabelled and duplicated labels are applied by the shared field macros
(`templates/fields.html`); expired sessions are checked by `state.SandboxState`, which also
expires them right after a recorded submission when `expire_after_submission` is on. No page and no test
is special-cased.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request

from autopilot.sandbox.kit.hosts import CONTROL_HOST, real_host

SERVER_ERROR_TITLE = "Service momentanément indisponible"


@dataclass
class Faults:
    """Mutable fault knobs; `Sandbox.reset()` puts them back to these defaults."""

    latency_ms: int = 0
    relabel: dict[str, str] = field(default_factory=dict)
    duplicate_label: set[str] = field(default_factory=set)
    server_error_paths: set[str] = field(default_factory=set)
    # Seconds a replica's data API (HistoVec's report) waits before answering: its page shows a loader.
    data_delay_s: float = 0.0
    # How many times expire_sessions() was called: a session opened before the last call is dead.
    session_generation: int = 0
    # Expire every session as the next submission is recorded: its confirmation asks for the login.
    expire_after_submission: bool = False

    def expire_sessions(self) -> None:
        """Invalidate every logged-in session from now on (drafts are kept)."""
        self.session_generation += 1

    def submitted(self) -> None:
        """A submission was just recorded: expire the sessions if the knob says so (once)."""
        if self.expire_after_submission:
            self.expire_after_submission = False
            self.expire_sessions()

    def clear(self) -> None:
        """Back to no fault at all, in place (holders of this object see the change)."""
        self.latency_ms = 0
        self.relabel.clear()
        self.duplicate_label.clear()
        self.server_error_paths.clear()
        self.expire_after_submission = False
        self.data_delay_s = 0.0

    def label(self, label: str) -> str:
        """The label text as the page shows it, after a possible renaming."""
        return self.relabel.get(label, label)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a JSON body of `POST /_sandbox/faults`; unknown keys are refused."""
        unknown = set(changes) - {
            "latency_ms", "relabel", "duplicate_label", "server_error_paths", "expire_sessions",
            "expire_after_submission",
            "data_delay_s",
        }
        if unknown:
            raise ValueError(f"unknown fault knob(s): {', '.join(sorted(unknown))}")
        if "latency_ms" in changes:
            self.latency_ms = int(changes["latency_ms"])
        if "relabel" in changes:
            self.relabel = {str(k): str(v) for k, v in dict(changes["relabel"]).items()}
        if "duplicate_label" in changes:
            self.duplicate_label = {str(v) for v in changes["duplicate_label"]}
        if "server_error_paths" in changes:
            self.server_error_paths = {str(v) for v in changes["server_error_paths"]}
        if "data_delay_s" in changes:
            self.data_delay_s = float(changes["data_delay_s"])
        if changes.get("expire_sessions"):
            self.expire_sessions()
        if "expire_after_submission" in changes:
            self.expire_after_submission = bool(changes["expire_after_submission"])

    def to_json(self) -> dict[str, Any]:
        """The knobs as JSON-friendly values."""
        return {
            "latency_ms": self.latency_ms,
            "relabel": dict(self.relabel),
            "duplicate_label": sorted(self.duplicate_label),
            "server_error_paths": sorted(self.server_error_paths),
            "data_delay_s": self.data_delay_s,
            "session_generation": self.session_generation,
            "expire_after_submission": self.expire_after_submission,
        }


def apply_request_faults(faults: Faults) -> tuple[str, int] | None:
    """Delay and break a site request as the knobs say (the control host is never affected)."""
    if real_host() == CONTROL_HOST:
        return None
    if faults.latency_ms > 0:
        time.sleep(faults.latency_ms / 1000)
    if request.path in faults.server_error_paths:
        return render_template("error.html", titre=SERVER_ERROR_TITLE, code=500), 500
    return None
