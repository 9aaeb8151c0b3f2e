"""A file the site gives, kept as an output of the démarche (flow `download:`, DESIGN §4c).

The one visible button or link is clicked once; the file the site sends is saved under the
flow's name where the caller says (the console: the visit's folder, listed with the results
like the récapitulatif; the command line: the cache folder's `telechargements`). While the
engine waits for it the page's download is claimed (`claimed`), so the console's catch-all for
unexpected downloads leaves it alone.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autopilot import paths
from autopilot.engine.locate import resolve_click
from autopilot.errors import NoResponse
from autopilot.flows.model import Download

_claimed: weakref.WeakSet[Page] = weakref.WeakSet()


def claimed(page: Page) -> bool:
    """Whether the engine is receiving this page's download itself."""
    return page in _claimed


def default_folder(name: str) -> Path:
    """Where a run outside the console keeps a file the site gave: never over an earlier one."""
    folder = paths.cache_dir() / "telechargements"
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / name, 1
    while path.exists():  # an earlier citizen's accusé of the same démarche, not printed yet maybe
        number += 1
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return path


def download_output(page: Page, download: Download, step: str, response_s: float,
                    save: Callable[[str], Path] | None) -> Path:
    """Click the step's download button once, save the file the site gives under its flow name; its path."""
    button = resolve_click(page, download.click, step)
    _claimed.add(page)
    try:
        with page.expect_download(timeout=response_s * 1000) as arriving:
            button.locator.click(timeout=response_s * 1000)
        given = arriving.value
        path = (save or default_folder)(download.name)
        given.save_as(path)
        given.delete()
    except PlaywrightTimeout:
        raise NoResponse(
            f"Étape « {step} » : le site n'a pas donné de fichier après le clic sur {download.click.description}"
            f" dans les {response_s:.0f} s.",
            "Regardez la page ; téléchargez le document à la main si besoin, puis « Reprendre ».",
            step=step,
        ) from None
    finally:
        _claimed.discard(page)
    return path
