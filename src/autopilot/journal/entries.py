"""What one journal entry holds, and how a run or an agreement becomes one — no I/O here.

An entry names the citizen by a pseudonym (initials and year of birth by default), never by their
identity. Building a run's entry needs only the run's outcome, step, outputs and error code: this
module imports nothing of the engine, so `autopilot journal verify` never loads the browser library.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from autopilot.flows.model import Flow

DEMARCHE = "demarche"
PURGE = "purge"
CONSENT = "consentement"
ANCHOR = "ancrage"  # the first keyed entry of a journal written before the chain was keyed (ADR 0009)
COMPLETED = "terminée"  # `Outcome.COMPLETED`, as the journal spells it

FIELDS = ("created_at", "action", "mediateur", "flow_id", "flow_version", "sandbox", "outcome", "step", "refs",
          "duration_s", "usager", "consent_hash", "details")


class RunLike(Protocol):
    """What the journal reads of a run's result (`engine.runner.RunResult`)."""

    outcome: Any
    outputs: dict[str, str]
    step: str | None
    error: Any


@dataclass(frozen=True)
class Entry:
    """One line of the journal, as stored."""

    action: str
    created_at: str = ""
    mediateur: str | None = None
    flow_id: str | None = None
    flow_version: int | None = None
    sandbox: bool = False
    outcome: str | None = None
    step: str | None = None
    refs: dict[str, str] = field(default_factory=dict)
    duration_s: float | None = None
    usager: str | None = None
    consent_hash: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    prev_hash: str = ""
    hash: str = ""

    def _payload(self, prev_hash: str) -> bytes:
        content = {name: getattr(self, name) for name in FIELDS}
        content["sandbox"] = bool(content["sandbox"])
        return json.dumps({"id": self.id, "prev": prev_hash, **content}, sort_keys=True,
                          ensure_ascii=False).encode("utf-8")

    def mac(self, key: bytes, prev_hash: str) -> str:
        """This entry's HMAC-SHA256 under the journal's key, chained on `prev_hash`."""
        return hmac.new(key, self._payload(prev_hash), hashlib.sha256).hexdigest()

    def legacy_digest(self, prev_hash: str) -> str:
        """The unkeyed SHA-256 the journal used before ADR 0009 (anyone can recompute it)."""
        return hashlib.sha256(self._payload(prev_hash)).hexdigest()

    def replace(self, **changes: Any) -> Entry:
        """A copy with `changes`."""
        return Entry(**{**asdict(self), **changes})


def pseudonym(values: Mapping[str, Any], mode: str = "initiales_annee") -> str | None:
    """The citizen as the journal names them: « C.L. 1985 » by default, never the identity."""
    if mode == "aucun":
        return None
    for value in values.values():
        if isinstance(value, Mapping) and "nom_naissance" in value and "date_naissance" in value:
            first = (value.get("prenoms") or "?").strip()[:1].upper()
            last = (value.get("nom_usage") or value.get("nom_naissance") or "?").strip()[:1].upper()
            year = str(value.get("date_naissance") or "")[-4:]
            return f"{first}.{last}. {year}".strip()
    return None


def run_entry(flow: Flow, values: Mapping[str, Any], result: RunLike, *, mediateur: str | None, sandbox: bool,
              duration_s: float, pseudonyms: str = "initiales_annee", consent_hash: str | None = None) -> Entry:
    """The entry for one démarche run: outcome, where it ended, references — the citizen pseudonymised.

    `consent_hash`: the SHA-256 of the agreement's text the citizen accepted (the console).
    """
    completed = str(result.outcome) == COMPLETED
    return Entry(
        DEMARCHE,
        mediateur=mediateur,
        flow_id=flow.id,
        flow_version=flow.version,
        sandbox=sandbox,
        outcome=str(result.outcome),
        step=result.step if not completed else None,
        refs={name: value for name, value in result.outputs.items()
              if name not in flow.outputs or flow.outputs[name].journal},
        duration_s=round(duration_s, 1),
        usager=pseudonym(values, pseudonyms),
        details={"erreur": result.error.code} if result.error is not None else {},
        consent_hash=consent_hash,
    )


def consent_entry(scope: Sequence[str], version: str, text_hash: str, values: Mapping[str, Any], *,
                  mediateur: str | None, sandbox: bool, pseudonyms: str = "initiales_annee") -> Entry:
    """The entry for the citizen's agreement to the démarches of `scope` (categories), for the visit.

    `consent_hash` is the SHA-256 of the text's file (version `version`), as in every démarche
    entry done under this agreement.
    """
    return Entry(
        CONSENT,
        mediateur=mediateur,
        sandbox=sandbox,
        usager=pseudonym(values, pseudonyms),
        consent_hash=text_hash,
        details={"perimetre": list(scope), "modele": version},
    )
