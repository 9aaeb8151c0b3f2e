"""A working session: one browser page, the mandataire account's login, démarches in turn.

A démarche flow declaring `account: ants` gets the account flow (`flows/accounts/ants.yaml`)
run first when the site does not already show the session open (the account flow's
`logged_in` check). The login happens once per session; if the site asks for it again
mid-run (session expired), it is replayed on the spot and the interrupted step resumes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from autopilot.engine import dom
from autopilot.engine.approver import Approver
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import SHOWS, closed, shows, shows_script_arg
from autopilot.engine.proposals import Repairer
from autopilot.engine.runner import Outcome, Runner, RunResult, SecretSource, Timeouts
from autopilot.errors import AutopilotError, CredentialsError, RunError, SiteUnreachable, Terminated
from autopilot.flows.library import Library
from autopilot.flows.model import Flow

# Before logging out: is the page the account's logged-in one (SHOWS), and its logout control the
# one element so named (dom.js `named`)? Marked then for the click: "marked", "unsure" (Playwright's
# role selector decides), "absent" (not the logged-in page, or no such control).
_WAY_OUT = dom.script(f"""(dom, [expected, role, name, mark]) => {{
  if (!({SHOWS})(dom, expected)) return "absent";
  const found = dom.named(document, role, name);
  if (!found) return "unsure";
  found[0].setAttribute("data-autopilot-target", mark);
  return "marked";
}}""")
_marks = itertools.count(1)


class Session:
    """Runs démarches in one page, logging in to their accounts when needed."""

    def __init__(
        self,
        page: Page,
        library: Library,
        approver: Approver,
        *,
        origins: Origins = Origins(),
        secrets: SecretSource | None = None,
        accounts: Mapping[str, Mapping[str, str]] | None = None,
        report: Callable[[str], None] = lambda line: None,
        timeouts: Timeouts = Timeouts(),
        scans_folder: Path | None = None,
    ) -> None:
        self.page = page
        self.library = library
        self.approver = approver
        self.origins = origins
        self.secrets = secrets
        self.accounts = accounts or {}  # non-secret settings per account: {"ants": {"identifiant": …}}
        self.report = report
        self.timeouts = timeouts
        self.scans_folder = scans_folder  # the settings' scanner folder (None: `scans.folder()`)
        self._open: set[str] = set()
        self.save_file: Callable[[str], Path] | None = None  # where a file a flow keeps goes (the visit's folder)
        self.repair = Repairer(self._flow_path, library.root.parent)  # proposals for a target not found

    def run(self, flow: Flow, values: Mapping[str, Any]) -> RunResult:
        """Run one démarche, after the login its account needs; always a result to journal.

        An error raised outside the runner's steps ends it as failed; the system's order to stop
        (`Terminated`, from SIGTERM) as stopped, at the step where it came.
        """
        try:
            result = self._run(flow, values)
        except AutopilotError as error:
            result = RunResult(Outcome.FAILED, error=error)
        if isinstance(result.error, Terminated):
            result = replace(result, outcome=Outcome.STOPPED)
        return result

    def _run(self, flow: Flow, values: Mapping[str, Any]) -> RunResult:
        account = self._account(flow)
        if account is not None:
            failed = self.login(flow.account)
            if failed is not None:
                return failed
        runner = Runner(
            self.page, flow, values, self.approver, origins=self.origins, secrets=self.secrets,
            report=self.report, timeouts=self.timeouts,
            allowed_hosts=lambda host: flow.allows_host(host) or (account is not None and account.allows_host(host)),
            recover=(lambda: self._relogin(account)) if account is not None else None,
            login_page=account.steps[0].expect if account is not None else None,
            save_file=self.save_file,
            secret_hosts=self._secret_hosts,
            scans_folder=self.scans_folder,
            repair=self.repair,
        )
        return runner.run()

    def close(self) -> None:
        """Log out of every open account: the next visitor finds no session.

        The logout is done once the site has answered it: Playwright's click waits for the
        navigation it starts until the new document is committed (its `noWaitAfter` option, left
        unset), which is after the site's answer to the logout. The page the site then shows is
        not waited for: the browser closes next, or the mediator sees it load."""
        for account_id in list(self._open):
            account = next(e.flow for e in self.library.accounts if e.flow.id == account_id)
            try:
                if account.logout is not None:
                    way_out = self._way_out(account)
                    if way_out is not None:
                        way_out.click()
                        self.report("Déconnexion du compte effectuée.")
            except PlaywrightError as error:
                if not closed(error):
                    raise
            self._open.discard(account_id)

    def _way_out(self, account: Flow) -> Locator | None:
        """The account's logout button or link on the logged-in page, the only one so named; None when
        the page is not the logged-in one (or shows no such control). Found by dom.js `named` in the
        same round trip as the page check (ADR 0018); Playwright's role selector when it is not sure."""
        logout, expect = account.logout, account.logged_in
        role, name = ("button", logout.button) if logout.button else ("link", logout.link)
        if expect.url and not self.origins.real_path(self.page.url).startswith(expect.url):
            return None
        mark = f"logout-{next(_marks)}"
        try:
            found = dom.run(self.page, _WAY_OUT, [shows_script_arg(expect), role, name, mark])
        except PlaywrightError as error:
            if closed(error):
                raise
            return None  # the page was navigating: not the logged-in page
        if found == "marked":
            return self.page.locator(f"[data-autopilot-target='{mark}']")
        if found == "unsure":
            control = self.page.get_by_role(role, name=name, exact=True)
            return control if control.count() == 1 else None
        return None

    def login(self, name: str) -> RunResult | None:
        """Open the session of account `name` unless it is open; None on success."""
        account = self.library.account(name).flow
        if account.id in self._open:
            return None
        return self._login(account, navigate=True)

    def _flow_path(self, flow_id: str) -> Path | None:
        """The file of a démarche of the library (its fingerprints beside it)."""
        return next((entry.path for entry in self.library.demarches if entry.flow.id == flow_id), None)

    def _secret_hosts(self, reference: str) -> tuple[str, ...]:
        """The hosts a secret may be typed on: those of its account's login flow."""
        name = reference.split(".")[0]
        accounts = [entry.flow for entry in self.library.accounts if entry.flow.account == name]
        return accounts[0].domains if accounts else ()

    def _account(self, flow: Flow) -> Flow | None:
        return self.library.account(flow.account).flow if flow.account else None

    def _login(self, account: Flow, *, navigate: bool) -> RunResult | None:
        """Open the account's session; None on success, the failed run otherwise."""
        settings = self.accounts.get(account.account or "", {})
        values = {"compte": dict(settings)}
        runner = Runner(self.page, account, values, self.approver, origins=self.origins, secrets=self.secrets,
                        report=self.report, timeouts=self.timeouts, secret_hosts=self._secret_hosts,
                        landing=account.logged_in)
        if navigate and account.steps[0].goto:
            try:
                runner.goto(account.steps[0])
            except SiteUnreachable as error:  # a result like any other end of a run: it is journalled
                return RunResult(Outcome.FAILED, step=account.steps[0].title, error=error)
            if account.logged_in is not None and shows(self.page, self.origins, account.logged_in):
                self._open.add(account.id)
                return None
        if not settings.get("identifiant"):
            error = CredentialsError(f"Le compte « {account.account} » n'est pas configuré sur ce poste.",
                                     f"Enregistrez-le avec `autopilot account set {account.account}`.")
            return RunResult(Outcome.FAILED, step=account.steps[0].title, error=error)
        self.report(f"Connexion au compte « {account.title} »…")
        result = runner.run(navigate=False, announce=False)
        if result.outcome is not Outcome.COMPLETED:
            return result
        if account.logged_in is not None and not runner.landed_on() and not shows(self.page, self.origins,
                                                                                account.logged_in):
            error = RunError("La connexion au compte n'a pas abouti.", "Vérifiez l'identifiant et le mot de passe.")
            return RunResult(Outcome.FAILED, step=result.step, error=error)
        self._open.add(account.id)
        self.report("Connecté au compte.")
        return None

    def _relogin(self, account: Flow) -> bool:
        """If the site shows the account's login page again, log in again where we are."""
        first = account.steps[0]
        if first.expect is None or not shows(self.page, self.origins, first.expect):
            return False
        self.report("La session du compte a expiré : nouvelle connexion.")
        self._open.discard(account.id)
        return self._login(account, navigate=False) is None
