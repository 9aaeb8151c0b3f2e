"""The console's printer (ui/printer.py): a visible console launches one headless browser ahead and
prints every PDF with it; a headless console prints with its own window's browser."""

from __future__ import annotations

from autopilot.engine.browser import BrowserSettings
from autopilot.ui.printer import Printer
from autopilot.ui.recapitulatif import print_document

ATTESTATION = "<!DOCTYPE html><html lang='fr'><body><h1>Attestation</h1><p>L'usager donne son accord.</p></body></html>"


def test_a_visible_console_prints_with_the_browser_it_launched_ahead(playwright, tmp_path):
    printer = Printer(playwright, BrowserSettings(headless=False))
    try:
        printer.prepare()  # while the mediator types: a headless browser, no page opened in it
        kept = printer._kept
        assert kept is not None and kept.is_connected() and kept.contexts == []
        printer.prepare()  # asked again (another form): the same browser
        assert printer._kept is kept
        for number in (1, 2):
            path = print_document(ATTESTATION, tmp_path / f"attestation-{number}.pdf", printer, None)
            assert path.read_bytes().startswith(b"%PDF-")
            assert printer._kept is kept and kept.contexts == []  # each PDF in a context of its own, closed after
    finally:
        printer.close()
    assert not kept.is_connected()


def test_a_headless_console_prints_with_its_own_window(playwright, browser, tmp_path):
    printer = Printer(playwright, BrowserSettings(headless=True))
    printer.prepare()
    assert printer._kept is None  # nothing launched: the window itself can print
    path = print_document(ATTESTATION, tmp_path / "attestation.pdf", printer, browser)
    assert path.read_bytes().startswith(b"%PDF-")
    assert printer._kept is None
    with printer.browser(None) as fallback:  # a window without a browser of its own: one is launched
        assert fallback is not browser and fallback.is_connected()
    printer.close()
