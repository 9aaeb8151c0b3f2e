"""Every error autopilot reports to a person, with a stable code and an exit status.

    AutopilotError
    ├── UsageError            bad command-line use                     (exit 2)
    │   └── SandboxNotProven  the server given as the sandbox did not prove its token
    ├── FlowError             a flow file is malformed                 (exit 3)
    ├── DossierError          the citizen's data is invalid             (exit 4)
    ├── BrowserError          no usable browser                        (exit 5)
    ├── SiteUnreachable       the teleservice cannot be reached         (exit 6)
    ├── CredentialsError      keyring missing, locked or without entry  (exit 7)
    ├── JournalError          the journal cannot be written             (exit 9)
    ├── Terminated            the system asked autopilot to stop (SIGTERM) (exit 10)
    └── RunError              a démarche could not go on               (exit 8)
        ├── PageMismatch      the page is not the one the step expects
        ├── TargetNotFound    a field or button is not on the page
        ├── TargetAmbiguous   several elements match one target
        ├── DomainNotAllowed  the browser left the flow's declared domains
        ├── SiteRefused       the site answered with its own error messages
        ├── NoResponse        a click had no visible outcome in time (never clicked again)
        ├── BrowserClosed     the mediator closed the browser mid-run
        ├── ButtonDisabled    the step's button stayed disabled (the site finds the form incomplete)
        ├── PageBusy          the page kept loading: nothing was read from it
        ├── ValueNotTaken     a field shows another value than planned (unattended runs stop)
        └── BrowserFailure    the browser failed under a step (crash, vanished element, aborted load)

A run stopped by the mediator is not an error: it ends with exit status 10.
Messages are French (the mediator reads them); `hint` says how to fix.
Only the CLI and the panel render errors.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ExitStatus(enum.IntEnum):
    """Exit statuses of the `autopilot` command, documented in the README."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    FLOW = 3
    DOSSIER = 4
    BROWSER = 5
    SITE_UNREACHABLE = 6
    CREDENTIALS = 7
    RUN = 8
    JOURNAL = 9
    STOPPED = 10
    DRIFT = 11  # autopilot check: a flow no longer matches its site


class AutopilotError(Exception):
    """Base of every error meant for a person."""

    code = "erreur"
    exit_status = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(AutopilotError):
    """The command line asks for something impossible."""

    code = "usage"
    exit_status = ExitStatus.USAGE


class SandboxNotProven(UsageError):
    """The server at `--sandbox-url` did not prove it is the sandbox started with that token."""

    code = "bac-a-sable-non-prouve"


class FlowError(AutopilotError):
    """A flow file is malformed; the message starts with `path:line:`."""

    code = "flow"
    exit_status = ExitStatus.FLOW


class DossierProblem(tuple):
    """One problem of the citizen's data: the pair (field label, message) the mediator reads, and
    `path`, the field it is about in the data (`usager.date_naissance`, `motif`; "" when unknown),
    by which the console's form puts it next to its field. Compares and unpacks as the pair."""

    path: str

    def __new__(cls, label: str, message: str, path: str = "") -> DossierProblem:
        self = super().__new__(cls, (label, message))
        self.path = path
        return self

    @property
    def label(self) -> str:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]

    def within(self, name: str) -> DossierProblem:
        """The same problem, its path under the input `name` (`date_naissance` → `usager.date_naissance`)."""
        return DossierProblem(self[0], self[1], f"{name}.{self.path}" if self.path else name)


class DossierError(AutopilotError):
    """The citizen's data is invalid; `problems` lists each `DossierProblem` (field label, message; its path)."""

    code = "dossier"
    exit_status = ExitStatus.DOSSIER

    def __init__(self, problems: Sequence[tuple[str, str]], hint: str | None = None) -> None:
        self.problems = [p if isinstance(p, DossierProblem) else DossierProblem(*p) for p in problems]
        lines = [f"{label} : {message}" for label, message in problems]
        super().__init__("Données de l'usager à corriger :\n  " + "\n  ".join(lines), hint)


class BrowserError(AutopilotError):
    """No usable browser could be started."""

    code = "navigateur"
    exit_status = ExitStatus.BROWSER


class SiteUnreachable(AutopilotError):
    """The teleservice's site cannot be reached from this machine."""

    code = "site-injoignable"
    exit_status = ExitStatus.SITE_UNREACHABLE


class CredentialsError(AutopilotError):
    """The OS keyring is missing, locked, or holds no entry for the account."""

    code = "identifiants"
    exit_status = ExitStatus.CREDENTIALS


class JournalError(AutopilotError):
    """The journal cannot be written (read-only or full disk, locked file)."""

    code = "journal"
    exit_status = ExitStatus.JOURNAL


class RunError(AutopilotError):
    """A démarche could not go on; `step` names where it stopped."""

    code = "execution"
    exit_status = ExitStatus.RUN

    def __init__(self, message: str, hint: str | None = None, step: str | None = None) -> None:
        super().__init__(message, hint)
        self.step = step


class PageMismatch(RunError):
    """The page shown is not the one the step expects."""

    code = "page-inattendue"


class TargetNotFound(RunError):
    """A field or button of the step is not on the page."""

    code = "cible-introuvable"


class TargetAmbiguous(RunError):
    """Several visible elements match one target of the step."""

    code = "cible-ambigue"


class DomainNotAllowed(RunError):
    """The browser went to a site the flow does not declare."""

    code = "domaine-non-declare"


class BrowserClosed(RunError):
    """The mediator closed the browser window during a run."""

    code = "navigateur-ferme"


class SiteRefused(RunError):
    """The site refused the page and showed its own error messages."""

    code = "refus-du-site"

    def __init__(self, message: str, site_errors: list[str], step: str | None = None) -> None:
        super().__init__(message, "Corrigez avec l'usager (« Je prends la main »), puis « Reprendre ».", step)
        self.site_errors = site_errors


class NoResponse(RunError):
    """A click had no visible outcome in time; it is never repeated automatically."""

    code = "pas-de-reponse"


class ButtonDisabled(RunError):
    """The step's button stayed disabled: the site finds its form incomplete; nothing was sent."""

    code = "bouton-desactive"


class PageBusy(RunError):
    """The page kept loading (a loader, a busy region, changing text): nothing was read from it."""

    code = "page-en-chargement"


class ValueNotTaken(RunError):
    """A field shows another value than the one planned (the page reformatted or refused it)."""

    code = "valeur-differente"


class PageChanged(RunError):
    """The page changed so that autopilot must not fill or validate it alone: a field split into several
    inputs, a new required field the flow does not know (issue 18)."""

    code = "page-modifiee"


class BrowserFailure(RunError):
    """The browser failed under a step (the page crashed, an element vanished, a navigation aborted)."""

    code = "echec-navigateur"


class Terminated(AutopilotError):
    """The system asked autopilot to stop (SIGTERM: shutdown, session closed) in the middle of a run."""

    code = "arret-du-programme"
    exit_status = ExitStatus.STOPPED
