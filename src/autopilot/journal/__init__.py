"""The journal: one append-only entry per démarche run, signed and chained (SQLite, ADR 0009).

Who did what, for whom, when — without the citizen's identity: an entry keeps a pseudonym
(initials and year of birth by default), the flow and its version, the outcome, the step where it
ended, the reference numbers obtained and the duration. `entries` builds entries (no I/O),
`chain` checks them, `store` is the SQLite file and its head in the keyring, `export` the
monthly statistics with their witness. Nothing here imports the engine: `journal verify` never
loads the browser library.
"""

from autopilot.journal.chain import GENESIS, Head, Verdict
from autopilot.journal.entries import ANCHOR, CONSENT, DEMARCHE, PURGE, Entry, consent_entry, pseudonym, run_entry
from autopilot.journal.store import Journal

__all__ = ["ANCHOR", "CONSENT", "DEMARCHE", "GENESIS", "PURGE", "Entry", "Head", "Journal", "Verdict",
           "consent_entry", "pseudonym", "run_entry"]
