"""Measurement 6: the console as the mediator waits at the desk, against the same page loads by hand.

`autopilot console --sandbox-url …` runs in its own process and throw-away home (visible under a
display, as the mediator sees it; `--headless` without one); the bench attaches to its browser
(`--remote-debugging-port`) and acts as the mediator. Each visit:

- « Acheter un timbre fiscal pour un passeport » (no account): the form typed, « Commencer la
  démarche », then timed **from the click on « L'usager donne son accord » to the first step ready**
  (its heading and fields in the panel: the mediator reads from then on); then « Arrêter la
  démarche », and from the click on « Oui, arrêter la démarche » **to the console's result page**
  (« Démarche interrompue »);
- « Pré-demande de passeport » (the ANTS account): the same, **with the login**: the machine's time
  only — consent click to « Connexion » shown, plus its approval to the démarche's first step shown
  (the mediator's reading of the login step is theirs); the stop again;
- « Terminer la visite ».

The panel's buttons arm 0.5 s after a step shows (`ARM_MS`, so that a hasty double click never
approves the next step unread): a deliberate pause, not latency. It is measured and reported on
its own line; the stop's clock starts when « Oui, arrêter la démarche » can be clicked.

By hand, in the same run and the same browser (a context of its own, interleaved with the visits):
raw Playwright opens the same pages: the timbre site's first page (its heading); the login page,
identifiant, mot de passe, « Se connecter », « Mon espace », then the pré-demande's first page; the
console's result page. The ratios compare the two; the issue's goals are absolute times, reported
against the median, never asserted in a test (a loaded machine proves nothing).

The marks in between (the consent's answer shown, the site's first document committed) say where
the time goes; they come from the page's own navigation events.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import Browser, BrowserType, Page
from playwright.sync_api import Error as PlaywrightError

from bench import handwritten

TIMBRE_FLOW, LOGIN_FLOW = "timbre-passeport", "passeport-pre-demande"
GOALS = {"no login": 1.5, "login": 2.5, "stop": 1.0}  # seconds (issue 19), on the median
WAIT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _attach(browsers: BrowserType, port: int, process: subprocess.Popen) -> Browser:
    """The console's browser once it shows the launcher."""
    deadline = time.monotonic() + 120
    while True:
        try:
            browser = browsers.connect_over_cdp(f"http://127.0.0.1:{port}")
            if browser.contexts and browser.contexts[0].pages:
                return browser
            browser.close()
        except PlaywrightError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()  # before reading its output, which waits for its end
            raise RuntimeError(f"the console did not open its browser: {process.communicate(timeout=30)[1][-600:]}")
        time.sleep(0.1)


class _Navigations:
    """When the page's main frame committed each document (perf_counter), from Playwright's events."""

    def __init__(self, page: Page) -> None:
        self.seen: list[tuple[float, str]] = []
        page.on("framenavigated", lambda frame: frame.parent_frame is None and self.seen.append(
            (time.perf_counter(), frame.url)))

    def first(self, since: float, contains: str) -> float | None:
        return next((t for t, url in self.seen if t >= since and contains in url), None)


def _type(page: Page, data: dict) -> None:
    """The citizen's data in the console's form (fields named after the data: usager.nom_naissance)."""
    for name, value in data.items():
        for key, text in (value.items() if isinstance(value, dict) else [(None, value)]):
            named = f'[name="{name}.{key}"]' if key else f'[name="{name}"]'
            field = page.locator(named)
            if not field.count():
                continue
            kind = field.first.evaluate("(el) => el.type")
            if kind == "radio":
                page.locator(f'{named}[value="{text}"]').check()
            elif kind == "select-one":
                field.select_option(str(text))
            else:
                field.fill(str(text))


class _Desk:
    """The bench at the mediator's place, in the console's window."""

    def __init__(self, browser: Browser, launcher: str) -> None:
        self.browser = browser
        self.launcher = launcher  # the console's home, token included
        self.page = browser.contexts[0].pages[0]
        self.navigations = _Navigations(self.page)

    @property
    def panel(self):
        return self.page.locator("autopilot-panel")

    def ready(self, title: str) -> tuple[float, float]:
        """When the panel shows step `title`, then when its « Valider et continuer » is armed."""
        self.panel.get_by_role("heading", name=title, exact=True).wait_for(timeout=WAIT_MS)
        shown = time.perf_counter()
        button = self.panel.get_by_role("button", name="Valider et continuer", exact=True)
        button.and_(self.panel.locator("button:enabled")).wait_for(timeout=WAIT_MS)
        return shown, time.perf_counter()

    def start(self, title: str, data: dict) -> float:
        """Open the démarche's form, type `data`, « Commencer la démarche »; the moment of the consent click."""
        self.page.goto(self.launcher)
        self.page.get_by_role("link", name=title, exact=True).click()
        self.page.get_by_role("heading", name=title, level=1).wait_for(timeout=WAIT_MS)
        _type(self.page, data)
        self.page.get_by_role("button", name="Commencer la démarche").click()
        self.page.get_by_role("heading", name="Accord de l'usager", level=1).wait_for(timeout=WAIT_MS)
        consent = self.page.get_by_role("button", name="L'usager donne son accord")
        clicked = time.perf_counter()
        consent.click()
        return clicked

    def stop(self, marks: dict[str, list[float]]) -> float:
        """« Arrêter la démarche », confirmed; seconds to the console's result page (and where they went)."""
        self.panel.get_by_role("button", name="Arrêter la démarche", exact=True).click()
        confirm = self.panel.get_by_role("button", name="Oui, arrêter la démarche", exact=True)
        confirm.and_(self.panel.locator("button:enabled")).wait_for(timeout=WAIT_MS)  # armed: clickable from now
        clicked = time.perf_counter()
        confirm.click()
        self.page.get_by_role("heading", name="Démarche interrompue").wait_for(timeout=WAIT_MS)
        shown = time.perf_counter()
        committed = self.navigations.first(clicked, "/resultats/")
        if committed is not None:
            marks.setdefault("stop confirmed → the result page committed (run ended, journal written)", []).append(
                committed - clicked)
            marks.setdefault("the result page committed → its heading shown", []).append(shown - committed)
        return shown - clicked

    def end_visit(self) -> None:
        """« Terminer la visite »: the console goes on in a fresh context."""
        self.page.goto(self.launcher)
        self.page.get_by_role("button", name="Terminer la visite").click()
        with self.page.context.expect_page() as opened:  # as tests/test_console.py follows it
            self.page.get_by_role("button", name="Oui, terminer la visite").click()
        self.page = opened.value
        self.navigations = _Navigations(self.page)
        self.page.get_by_role("heading", name="Quelle démarche pour l'usager ?").wait_for(timeout=WAIT_MS)


class _ByHand:
    """The same page loads in raw Playwright, in a context of its own of the same browser."""

    def __init__(self, browser: Browser, origins, library, account: dict[str, str]) -> None:
        from bench.citizen import CONTEXT

        self.browser, self.origins, self.account, self.context = browser, origins, account, CONTEXT
        self.timbre = library.find(TIMBRE_FLOW).flow.steps[0]
        self.first = library.find(LOGIN_FLOW).flow.steps[0]

    def _page(self, work) -> float:
        context = self.browser.new_context(**self.context)
        try:
            page = context.new_page()
            start = time.perf_counter()
            work(page)
            return time.perf_counter() - start
        finally:
            context.close()

    def _open(self, page: Page, step) -> None:
        page.goto(self.origins.local(step.goto), wait_until="domcontentloaded")
        page.get_by_role("heading", name=step.expect.heading, exact=True).wait_for(timeout=WAIT_MS)

    def no_login(self) -> float:
        return self._page(lambda page: self._open(page, self.timbre))

    def with_login(self) -> float:
        def work(page: Page) -> None:
            handwritten.log_in(page, self.origins.sandbox_port, self.account)
            self._open(page, self.first)
        return self._page(work)

    def console(self, url: str) -> float:
        """One page of the console: its launcher (the result page goes with the visit)."""
        def work(page: Page) -> None:
            page.goto(url)
            page.get_by_role("heading", name="Quelle démarche pour l'usager ?").wait_for(timeout=WAIT_MS)
        return self._page(work)


def _visit(desk: _Desk, library, data: dict[str, dict], marks: dict[str, list[float]]) -> dict[str, float]:
    """One visit at the console: the two démarches started and stopped; the seconds of each wait."""
    timbre, passeport = library.find(TIMBRE_FLOW).flow, library.find(LOGIN_FLOW).flow
    seconds = {}
    clicked = desk.start(timbre.title, data[TIMBRE_FLOW])
    ready, armed = desk.ready(timbre.steps[0].title)
    seconds["no login"] = ready - clicked
    marks.setdefault("the step shown → its « Valider » armed (ARM_MS, by design)", []).append(armed - ready)
    _marks(desk, clicked, ready, "timbres.impots.gouv.fr", marks)
    seconds["stop"] = desk.stop(marks)
    clicked = desk.start(passeport.title, data[LOGIN_FLOW])
    login_shown, _ = desk.ready(library.account("ants").flow.steps[0].title)
    _marks(desk, clicked, login_shown, "ants.gouv.fr", marks)
    approved = time.perf_counter()
    desk.panel.get_by_role("button", name="Valider et continuer", exact=True).click()
    first_shown, _ = desk.ready(passeport.steps[0].title)
    seconds["login"] = (login_shown - clicked) + (first_shown - approved)
    seconds["stop (after the login)"] = desk.stop(marks)
    desk.end_visit()
    return seconds


def _marks(desk: _Desk, clicked: float, ready: float, site: str, marks: dict[str, list[float]]) -> None:
    """Where the time went after the consent click: the console's answer, the site's first document, the panel."""
    answered = desk.navigations.first(clicked, "/en-cours")
    shown = desk.navigations.first(answered or clicked, site)
    if answered is None or shown is None:
        return
    for name, value in (("consent click → the console's « en cours » page committed", answered - clicked),
                        ("« en cours » → the site's first page committed", shown - answered),
                        ("the site's page committed → the step ready in the panel", ready - shown)):
        marks.setdefault(f"{name} ({site})", []).append(value)


def measure(iterations: int, sandbox, browsers: BrowserType, *, smoke: bool = False):
    """`iterations` visits at the console, each followed by the same page loads by hand, after a warm-up visit
    (none if `smoke`); `browsers`: Chromium in the bench's Playwright (one per thread), to attach with."""
    from autopilot.cli.exercise import demo_citizen, sample_citizen, samples
    from autopilot.flows import Library
    from autopilot.sandbox import DEMO_ACCOUNT
    from bench.handwritten import TIMBRE
    from bench.report import Row, Section
    from bench.stats import Samples, ratio

    section = Section("6. The console: from the citizen's agreement to the first step, and back after a stop")
    library = Library.load()
    passeport = library.find(LOGIN_FLOW).flow
    citizen = {name: value for name, value in demo_citizen().items() if name in passeport.inputs}
    data = {TIMBRE_FLOW: sample_citizen(TIMBRE_FLOW, samples()), LOGIN_FLOW: {**citizen, "timbre": TIMBRE}}
    names = ("no login", "login", "stop")
    console = {name: Samples("s") for name in (*names, "stop (after the login)")}
    by_hand = {name: Samples("s") for name in names}
    marks: dict[str, list[float]] = {}
    headed = bool(os.environ.get("DISPLAY"))
    failure = None
    with tempfile.TemporaryDirectory() as home:
        port = _free_port()
        command = [sys.executable, "-m", "autopilot", "console", "--sandbox-url", sandbox.address,
                   "--remote-debugging-port", str(port)] + ([] if headed else ["--headless"])
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "AUTOPILOT_HOME": home})
        try:
            browser = _attach(browsers, port, process)
            window = browser.contexts[0].pages[0]
            window.get_by_role("heading", name="Quelle démarche pour l'usager ?").wait_for(timeout=WAIT_MS)
            desk = _Desk(browser, window.url)
            hand = _ByHand(browser, sandbox.origins, library, DEMO_ACCOUNT)
            for index in range((0 if smoke else 1) + iterations):
                sandbox.reset()
                seconds = _visit(desk, library, data, marks if index or smoke else {})
                taken = {"no login": hand.no_login(), "login": hand.with_login(), "stop": hand.console(desk.launcher)}
                if index == 0 and not smoke:
                    continue  # the first visit warms the caches (the console's templates, the sites' assets)
                for name, value in seconds.items():
                    console[name].add(value)
                for name, value in taken.items():
                    by_hand[name].add(value)
        except (PlaywrightError, RuntimeError) as error:
            failure = " ".join(str(error).split())[:300]
        finally:
            process.terminate()
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
    n = len(console["login"].values)
    rows = (("no login", "Console: consent click → first step ready, no login"),
            ("login", "Console: consent click → first step ready, with the login"),
            ("stop", "Console: « Arrêter la démarche » → back to the console"))
    for name, title in rows:
        section.rows.append(Row(f"{title} (n={n})", console[name], by_hand[name], ratio(console[name], by_hand[name]),
                                f"≤ {GOALS[name]:g} s (median)", None if failure else console[name].median <= GOALS[name]))
    section.details += [
        (f"`autopilot console` {'visible under this display' if headed else 'headless (no display)'}, the bench"
         " attached to its browser as the mediator; by hand: raw Playwright in a context of its own of the same"
         " browser, the same page loads (see `bench/console.py`). The goals are the issue's absolute times on the"
         " median; the ratios say what the console adds to the pages themselves."),
        "",
        "| wait | console | same page loads by hand | ratio |",
        "|---|---|---|---|",
    ]
    for name, title in (*rows, ("stop (after the login)", "« Arrêter la démarche » → the console, after the login")):
        hand = by_hand[name.split(" (")[0]]
        section.details.append(f"| {title} | {console[name].summary()} | {hand.summary()}"
                               f" | {ratio(console[name], hand):.2f} |")
    if marks:
        section.details += ["", "Where the time goes after the consent click (medians, from the page's navigation events):",
                            "", "| interval | median |", "|---|---|"]
        for name, values in marks.items():
            section.details.append(f"| {name} | {Samples('s', values).median * 1000:.0f} ms |")
    if failure:
        section.details += ["", f"**Not measured**: {failure}"]
    section.data = {"console": {k: v.as_dict() for k, v in console.items()},
                    "by_hand": {k: v.as_dict() for k, v in by_hand.items()},
                    "marks": {k: Samples("s", v).median for k, v in marks.items()}, "failure": failure, "headed": headed}
    return section
