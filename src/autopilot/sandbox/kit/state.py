"""What "the administration" remembers: records received, mails sent, sessions, drafts, lockouts,
the demandes de titre it instructs, and the date it takes for today.

Everything lives in memory, behind one lock (the server is threaded), and `reset()` forgets it
all (the demandes go back to `demandes.SEEDED`, the clock to the real date). Sessions and drafts
are kept here, server-side, so that a fault can expire every session at once while the drafts
(kept per account, as the real site does) survive.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app

from autopilot.sandbox.kit.demandes import SEEDED, Demande, same_numero
from autopilot.sandbox.kit.faults import Faults

EXTENSION_KEY = "autopilot.sandbox"


def now_iso() -> str:
    """The local time, ISO 8601 with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class _Session:
    account: str
    generation: int


class SandboxState:
    """The in-memory state of every replicated site."""

    def __init__(self, *, otp: bool, token: str = "") -> None:
        self.token = token  # proves this sandbox to autopilot (`control.proof`); kept across resets
        self._lock = threading.RLock()
        self.faults = Faults()
        self._otp_default = otp
        self.otp = otp
        self.reset()

    def reset(self) -> None:
        """Forget everything; faults off; `otp` back to the constructor value."""
        with self._lock:
            self.faults.clear()
            self.otp = self._otp_default
            self._received: list[dict[str, Any]] = []
            self._mailbox: list[dict[str, Any]] = []
            self._sessions: dict[str, _Session] = {}
            self._verifications: dict[str, dict[str, Any]] = {}
            self._devices: dict[str, str] = {}
            self._drafts: dict[tuple[str, str], dict[str, Any]] = {}
            self._submitted: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
            self._failures: dict[str, int] = {}
            self._locked_until: dict[str, float] = {}
            self._accounts: dict[str, str] = {}
            self._demandes: dict[str, Demande] = {d["numero"]: copy.deepcopy(d) for d in SEEDED}
            self._today: date | None = None
            self._sms: list[dict[str, Any]] = []
            self._sites: dict[str, dict[str, Any]] = {}

    # -- the clock ---------------------------------------------------------------------------

    def today(self) -> date:
        """The date the sites take for today: the one set by `set_today`, else the real date."""
        with self._lock:
            return self._today or date.today()

    def set_day(self) -> date | None:
        """The date `set_today` set, None when the sites follow the real date."""
        with self._lock:
            return self._today

    def set_today(self, day: date | None) -> None:
        """Pretend today is `day` (timbre prices by age, date checks, card expiry); None: real date."""
        with self._lock:
            self._today = day

    # -- accounts ----------------------------------------------------------------------------

    def add_account(self, identifiant: str, mot_de_passe: str) -> None:
        """Open one more account (a mairie training with its own settings); `reset()` forgets it."""
        with self._lock:
            self._accounts[identifiant.lower()] = mot_de_passe

    def password_matches(self, identifiant: str, mot_de_passe: str, demo: dict[str, str]) -> bool:
        """Whether the pair opens the demo account or an added one."""
        key = identifiant.lower()
        with self._lock:
            if key in self._accounts:
                return self._accounts[key] == mot_de_passe
        return key == demo["identifiant"] and mot_de_passe == demo["mot_de_passe"]

    # -- what the administration received -------------------------------------------------

    def record(self, record: dict[str, Any]) -> None:
        """Append one submission; never de-duplicated."""
        with self._lock:
            self._received.append(copy.deepcopy(record))
            self.faults.submitted()

    def received(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Deep copies of the records, oldest first, optionally of one kind."""
        with self._lock:
            return [copy.deepcopy(r) for r in self._received if kind is None or r["kind"] == kind]

    # -- the demandes de titre being instructed --------------------------------------------

    def put_demande(self, demande: Demande) -> None:
        """Add a demande, or replace (in its place) the one with the same number."""
        with self._lock:
            same = next((key for key in self._demandes if same_numero(key, demande["numero"])), None)
            if same is not None and same != demande["numero"]:
                self._demandes = {
                    (demande["numero"] if key == same else key): value for key, value in self._demandes.items()
                }
            self._demandes[demande["numero"]] = copy.deepcopy(demande)

    def demande(self, numero: str) -> Demande | None:
        """A copy of the demande with this number (as typed: `demandes.same_numero`), if any."""
        with self._lock:
            found = next((d for key, d in self._demandes.items() if same_numero(key, numero)), None)
            return copy.deepcopy(found) if found else None

    def demandes(self) -> list[Demande]:
        """Copies of every demande, in the order they were added."""
        with self._lock:
            return copy.deepcopy(list(self._demandes.values()))

    # -- the mandataire's mailbox ---------------------------------------------------------

    def send_mail(self, to: str, subject: str, body: str, **extra: Any) -> None:
        """Deliver a message to the mandataire mailbox."""
        with self._lock:
            self._mailbox.append(
                {"to": to, "subject": subject, "body": body, "sent_at": now_iso(), **extra}
            )

    def mailbox(self) -> list[dict[str, Any]]:
        """Deep copies of the messages, newest last."""
        with self._lock:
            return copy.deepcopy(self._mailbox)

    # -- text messages sent to citizens' mobiles ---------------------------------------------

    def send_sms(self, to: str, body: str, **extra: Any) -> None:
        """Deliver a text message to a mobile number (the citizen's phone, beside the mediator)."""
        with self._lock:
            self._sms.append({"to": to, "body": body, "sent_at": now_iso(), **extra})

    def sms(self) -> list[dict[str, Any]]:
        """Deep copies of the text messages sent, newest last."""
        with self._lock:
            return copy.deepcopy(self._sms)

    # -- what each replica keeps of its own ----------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """Hold it while reading or changing a `site()` store."""
        return self._lock

    def site(self, name: str) -> dict[str, Any]:
        """The mutable store of one replica (its dossiers, codes, stamps…), empty after `reset()`.

        Use it under `with state.lock:`; never hand out references to its contents.
        """
        with self._lock:
            return self._sites.setdefault(name, {})

    # -- sessions -------------------------------------------------------------------------

    def open_session(self, account: str) -> str:
        """A new logged-in session for `account`; returns its id."""
        sid = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[sid] = _Session(account, self.faults.session_generation)
        return sid

    def session_account(self, sid: str | None) -> str | None:
        """The account of a live session, or None (unknown, closed or expired)."""
        with self._lock:
            session = self._sessions.get(sid or "")
            if session is None or session.generation != self.faults.session_generation:
                return None
            return session.account

    def session_expired(self, sid: str | None) -> bool:
        """True when `sid` was a real session killed by `Faults.expire_sessions()`."""
        with self._lock:
            session = self._sessions.get(sid or "")
            return session is not None and session.generation != self.faults.session_generation

    def close_session(self, sid: str | None) -> None:
        """Log out."""
        with self._lock:
            self._sessions.pop(sid or "", None)

    def open_sessions(self) -> list[str]:
        """The accounts of the sessions still live (one per login not logged out), oldest first."""
        with self._lock:
            return [s.account for s in self._sessions.values() if s.generation == self.faults.session_generation]

    # -- lockout after repeated failures --------------------------------------------------

    def is_locked(self, key: str) -> bool:
        """Whether logins for `key` are refused right now."""
        with self._lock:
            return self._locked_until.get(key, 0.0) > time.monotonic()

    def note_failure(self, key: str, *, max_failures: int, lock_seconds: float) -> bool:
        """Count a failed login; returns True when this failure locks the account."""
        with self._lock:
            count = self._failures.get(key, 0) + 1
            if count >= max_failures:
                self._failures.pop(key, None)
                self._locked_until[key] = time.monotonic() + lock_seconds
                return True
            self._failures[key] = count
            return False

    def clear_failures(self, key: str) -> None:
        """A successful login resets the count."""
        with self._lock:
            self._failures.pop(key, None)

    # -- one-time codes and recognised devices --------------------------------------------

    def start_verification(self, account: str, next_url: str) -> tuple[str, str]:
        """A pending login waiting for its code; returns `(token, code)`."""
        token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._verifications[token] = {"account": account, "code": code, "next": next_url}
        return token, code

    def verification(self, token: str | None) -> dict[str, Any] | None:
        """The pending login of `token`, if any."""
        with self._lock:
            found = self._verifications.get(token or "")
            return dict(found) if found else None

    def end_verification(self, token: str | None) -> None:
        """Forget a pending login."""
        with self._lock:
            self._verifications.pop(token or "", None)

    def remember_device(self, account: str) -> str:
        """Register a browser as "appareil reconnu" for `account`; returns its token."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._devices[token] = account
        return token

    def device_known(self, token: str | None, account: str) -> bool:
        """Whether the browser holding `token` was recognised for `account`."""
        with self._lock:
            return self._devices.get(token or "") == account

    # -- drafts, per account and démarche --------------------------------------------------

    def draft(self, account: str, demarche: str) -> dict[str, Any]:
        """A copy of the draft: `{"jeton": str | None, "pages": {page slug: fields}}`."""
        with self._lock:
            found = self._drafts.get((account, demarche))
            return copy.deepcopy(found) if found else {"jeton": None, "pages": {}}

    def save_page(self, account: str, demarche: str, page: str, values: dict[str, str]) -> None:
        """Keep a page's valid fields in the account's draft, replacing the page's earlier ones."""
        with self._lock:
            draft = self._drafts.setdefault(
                (account, demarche), {"jeton": secrets.token_urlsafe(12), "pages": {}}
            )
            draft["pages"][page] = dict(values)

    def draft_for_jeton(self, account: str, demarche: str, jeton: str) -> dict[str, Any] | None:
        """The pages behind a récapitulatif form: the current draft, or an already submitted one."""
        with self._lock:
            current = self._drafts.get((account, demarche))
            if current and current["jeton"] == jeton:
                return copy.deepcopy(current["pages"])
            owner, pages = self._submitted.get((demarche, jeton), (None, None))
            return copy.deepcopy(pages) if owner == account else None

    def submit_draft(self, account: str, demarche: str, jeton: str) -> dict[str, Any] | None:
        """Close the draft named by `jeton` and return its pages.

        A second submission of the same form (double click, retried POST) returns the same
        pages again: the administration does not de-duplicate, so the caller records twice.
        """
        with self._lock:
            current = self._drafts.get((account, demarche))
            if current and current["jeton"] == jeton:
                del self._drafts[(account, demarche)]
                self._submitted[(demarche, jeton)] = (account, current["pages"])
            owner, pages = self._submitted.get((demarche, jeton), (None, None))
            return copy.deepcopy(pages) if owner == account else None


def current_state() -> SandboxState:
    """The state of the application serving the current request."""
    return current_app.extensions[EXTENSION_KEY]
