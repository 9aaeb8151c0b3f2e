"""Finding and launching the browser the mediator will see.

Order: the browser named by the settings (`AUTOPILOT_BROWSER`: a Playwright channel such
as `msedge` / `chrome`, or an executable path); else the installed Edge or Chrome; else
Playwright's own Chromium; else a system Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Error, Page, Playwright

from autopilot.errors import BrowserError

# Without these Chromium keeps calling Google's services (sync, updates, field trials).
QUIET_FLAGS = (
    "--lang=fr-FR",  # the browser's own menus and print dialog in French (Windows, macOS; see launch_environment)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
)
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
FIX = (
    "Installez Microsoft Edge ou Google Chrome, ou lancez `python -m playwright install chromium`"
    " (sous Debian/Ubuntu : `sudo apt-get install chromium`). Pour un navigateur précis :"
    " AUTOPILOT_BROWSER=msedge, chrome ou le chemin de l'exécutable."
)


@dataclass(frozen=True)
class BrowserSettings:
    """How to launch the browser."""

    browser: str | None = None  # channel or executable path; None = pick automatically
    headless: bool = False
    debugging_port: int | None = None

    @classmethod
    def from_environment(cls, *, headless: bool = False, debugging_port: int | None = None) -> BrowserSettings:
        return cls(os.environ.get("AUTOPILOT_BROWSER") or None, headless, debugging_port)


def _channels() -> tuple[str, ...]:
    if sys.platform == "win32":
        return ("msedge", "chrome")
    return ("chrome", "msedge")


def _channel_paths(channel: str) -> list[Path]:
    """Where Playwright looks for an installed Chrome or Edge (its own list, per OS)."""
    if sys.platform == "win32":
        roots = [os.environ.get(v, "") for v in ("LOCALAPPDATA", "PROGRAMFILES", "PROGRAMFILES(X86)")]
        tail = {"chrome": r"Google\Chrome\Application\chrome.exe", "msedge": r"Microsoft\Edge\Application\msedge.exe"}
        return [Path(root) / tail[channel] for root in roots if root]
    if sys.platform == "darwin":
        app = {"chrome": "Google Chrome.app/Contents/MacOS/Google Chrome",
               "msedge": "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"}
        return [Path("/Applications") / app[channel]]
    return [Path({"chrome": "/opt/google/chrome/chrome", "msedge": "/opt/microsoft/msedge/msedge"}[channel])]


def _installed(channel: str) -> bool:
    """Whether a channel's browser is there: trying one that is not leaves temporary folders behind."""
    return any(path.exists() for path in _channel_paths(channel))


def candidates(playwright: Playwright, settings: BrowserSettings) -> list[dict[str, str]]:
    """Launch options to try in order, each naming a channel or an executable."""
    if settings.browser:
        if Path(settings.browser).exists():
            return [{"executable_path": settings.browser}]
        if "/" in settings.browser or "\\" in settings.browser:
            raise BrowserError(f"AUTOPILOT_BROWSER désigne un fichier introuvable : {settings.browser}", FIX)
        return [{"channel": settings.browser}]
    found: list[dict[str, str]] = [{"channel": c} for c in _channels() if _installed(c)]
    bundled = playwright.chromium.executable_path
    if bundled and Path(bundled).exists():
        found.append({})
    for name in SYSTEM_CHROMIUMS:
        path = shutil.which(name)
        if path:
            found.append({"executable_path": path})
    return found


def launch_arguments(settings: BrowserSettings) -> list[str]:
    """Command-line flags for Chromium-family browsers."""
    flags = list(QUIET_FLAGS)
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root otherwise
    if settings.debugging_port:
        flags.append(f"--remote-debugging-port={settings.debugging_port}")
    if not settings.headless:
        flags.append("--start-maximized")  # room for the page and the panel beside it
    return flags


def launch_environment(crashes: Path | None = None) -> dict[str, str] | None:
    """The environment the browser starts in: on Linux its own words follow LANGUAGE, not --lang.

    Chromium on Linux picks its interface language (print dialog, form validation messages,
    file picker) from the environment and ignores `--lang`; the French words also need the
    browser's locale files (Debian: the `chromium-l10n` package, installed by scripts/setup).
    `crashes`: where its crash reports go instead of the user's settings folder (`crash_folder`).
    """
    if not sys.platform.startswith("linux"):
        return None
    return {**os.environ, "LANGUAGE": "fr_FR:fr", **({CRASH_ENV: str(crashes)} if crashes else {})}


# Chromium on Linux keeps its crash reports in ~/.config/chromium/Crash Reports whatever the profile
# (--user-data-dir, --crash-dumps-dir and --disable-breakpad leave it there); a dump holds the page's
# memory, so the citizen's data. This variable moves the folder (measured with Debian's Chromium 156:
# tests/test_browser_traces.py); the folder is removed with the browser, or at the next start when
# its process was killed (SIGKILL, a power cut): the folder's name holds the process id.
CRASH_ENV = "BREAKPAD_DUMP_LOCATION"
_CRASH_PREFIX = "autopilot-crashes-"
_CRASH_FOLDERS: dict[int, Path] = {}


def _new_crash_folder() -> Path:
    """A crash folder named after this process, once the ones of ended processes are removed."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_CRASH_PREFIX}*-*"):
        pid = folder.name.removeprefix(_CRASH_PREFIX).split("-")[0]
        if pid.isdigit() and not _running(int(pid)) and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{_CRASH_PREFIX}{os.getpid()}-"))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True


def crash_folder(browser: Browser) -> Path | None:
    """The folder where `browser` writes its crash reports while it runs (None off Linux)."""
    return _CRASH_FOLDERS.get(id(browser))


def _forget_crashes(browser: Browser, folder: Path) -> None:
    _CRASH_FOLDERS.pop(id(browser), None)
    shutil.rmtree(folder, ignore_errors=True)


def launch(playwright: Playwright, settings: BrowserSettings) -> Browser:
    """Launch the first browser that starts; BrowserError with the fix if none does."""
    if not settings.headless and sys.platform.startswith("linux"):
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise BrowserError(
                "Aucun écran n'est disponible pour afficher le navigateur.",
                "Lancez autopilot depuis la session graphique du poste, ou ajoutez --headless"
                " (sans fenêtre), ou utilisez `xvfb-run -a autopilot …` sur un serveur.",
            )
    tried: list[str] = []
    last_error = ""
    crashes = _new_crash_folder() if sys.platform.startswith("linux") else None
    for options in candidates(playwright, settings):
        try:
            browser = playwright.chromium.launch(
                headless=settings.headless, args=launch_arguments(settings), env=launch_environment(crashes), **options
            )
        except Error as error:
            tried.append(options.get("channel") or options.get("executable_path") or "Chromium de Playwright")
            last_error = str(error).splitlines()[0][:200]
            continue
        if crashes is not None:
            _CRASH_FOLDERS[id(browser)] = crashes
            browser.on("disconnected", lambda closed, folder=crashes: _forget_crashes(closed, folder))
            atexit.register(shutil.rmtree, crashes, True)  # a process that ends without closing it
        return browser
    if crashes is not None:
        shutil.rmtree(crashes, ignore_errors=True)
    if not tried:
        raise BrowserError("Aucun navigateur n'a été trouvé sur ce poste.", FIX)
    raise BrowserError(f"Impossible de lancer un navigateur (essayés : {', '.join(tried)} ; {last_error}).", FIX)


# The window fills the screen's work area: `--start-maximized` needs a window manager to act on it
# (none under Xvfb, and some kiosk sessions), and Chromium then opens at ~1050 px, leaving the site
# ~690 px beside the 360 px panel (docs/teleservices.md §9.10).
_SCREEN = "() => [screen.availLeft || 0, screen.availTop || 0, screen.availWidth, screen.availHeight]"


def fill_screen(page: Page) -> None:
    """Size the window of `page` to the screen's work area (a visible browser only)."""
    try:
        left, top, width, height = page.evaluate(_SCREEN)
        session = page.context.new_cdp_session(page)
        try:
            window = session.send("Browser.getWindowForTarget")["windowId"]
            session.send("Browser.setWindowBounds", {"windowId": window, "bounds": {"windowState": "normal"}})
            session.send("Browser.setWindowBounds", {"windowId": window, "bounds": {
                "left": left, "top": top, "width": width, "height": height}})
        finally:
            session.detach()
    except Error:
        pass  # not Chromium's protocol (another browser): the window keeps its size, the run goes on
