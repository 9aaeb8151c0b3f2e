"""PDFs for printing: the récapitulatif (the page a démarche ended on), the documents its last page
offers (« Télécharger le certificat d'examen (CEPC) »…) and the console's own documents.

What is saved is the page as the mediator sees it — its document, without autopilot's panel,
scripts or highlights — not a second request to the site. Chrome and Edge print to PDF only when
headless in most installed versions, so the copy is rendered by a short-lived headless context
that holds the session's cookies (in memory, never written to disk): the page's images behind
the login (a QR code) load as they did in the window.
"""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import Browser, Page, Route

from autopilot.errors import AutopilotError
from autopilot.ui.printer import Printer

_SNAPSHOT = """() => {
  const live = [...document.querySelectorAll('input, textarea, select')];
  const copy = document.documentElement.cloneNode(true);
  const twins = [...copy.querySelectorAll('input, textarea, select')];
  live.forEach((el, i) => {  // what fields hold now, which the markup alone does not say
    const twin = twins[i];
    if (!twin || el.type === 'password' || el.type === 'file') return;
    if (el.type === 'checkbox' || el.type === 'radio') twin.toggleAttribute('checked', el.checked);
    else if (el.tagName === 'SELECT') [...el.options].forEach((o, j) => twin.options[j].toggleAttribute('selected', o.selected));
    else if (el.tagName === 'TEXTAREA') twin.textContent = el.value;
    else twin.setAttribute('value', el.value);
  });
  copy.querySelectorAll('[data-autopilot-panel], script, noscript, link[rel=preload]').forEach((n) => n.remove());
  copy.style.removeProperty('margin-right');  // the room the panel keeps on the right
  copy.querySelectorAll('[style*="outline"]').forEach((n) => {  // the highlights of filled fields
    n.style.removeProperty('outline');
    n.style.removeProperty('outline-offset');
  });
  return '<!DOCTYPE html>\\n' + copy.outerHTML;
}"""


def save_pdf(page: Page, path: Path, printer: Printer) -> Path:
    """Write the page shown in `page` as an A4 PDF at `path`."""
    return _render(page, page.evaluate(_SNAPSHOT), page.url, path, printer)


def _render(page: Page, html: str, address: str, path: Path, printer: Printer) -> Path:
    """Print `html` as the document at `address`, with `page`'s session, as an A4 PDF at `path`."""
    cookies = page.context.storage_state()  # a dict: never written to a file
    url = address.split("#", 1)[0]
    with printer.browser(page.context.browser) as browser:
        context = browser.new_context(storage_state=cookies, java_script_enabled=False, locale="fr-FR")
        try:
            copy = context.new_page()

            def serve_snapshot(route: Route) -> None:
                route.fulfill(body=html, content_type="text/html; charset=utf-8")

            # The copy gets the page's own address, so its images and styles load as the site's own.
            copy.route(lambda requested: requested.split("#", 1)[0] == url, serve_snapshot)
            copy.goto(url, wait_until="load")
            _print(copy, path)
        finally:
            context.close()
    return path


# The sites' documents at a démarche's end are links named « Télécharger … » (docs/teleservices.md §9.9).
_OFFERED = """() => [...document.querySelectorAll('a[href]')]
  .filter((a) => !a.closest('[data-autopilot-panel]') && a.getClientRects().length > 0
    && /^Télécharger\\b/.test(a.textContent.trim()))
  .map((a) => [a.textContent.trim().replace(/\\s+/g, ' '), a.href])"""


def offered_documents(page: Page) -> list[tuple[str, str]]:
    """(link text, address) of each visible « Télécharger … » link of the page shown."""
    return [(str(text), str(href)) for text, href in page.evaluate(_OFFERED)]


# Read by the page itself, as its link would be: the site's origin, its cookies, its host.
_FETCH = """async (url) => {
  const answer = await fetch(url, { credentials: 'include' });
  const bytes = new Uint8Array(await answer.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return [answer.ok, answer.headers.get('content-type') || '', btoa(text)];
}"""


def save_document(page: Page, url: str, path: Path, printer: Printer) -> Path:
    """Keep the document at `url` (a link of the page shown) at `path`: a PDF as given, a page as an A4 PDF.

    Read by the page like its link would be; nothing on the page is clicked, and a page document is
    printed without its scripts, like the récapitulatif.
    """
    ok, kind, body = page.evaluate(_FETCH, url)
    if not ok:
        raise AutopilotError("le site n'a pas donné le document")
    content = base64.b64decode(body)
    if kind.startswith("application/pdf"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path
    charset = kind.partition("charset=")[2].split(";")[0].strip() or "utf-8"
    return _render(page, content.decode(charset, errors="replace"), url, path, printer)


def print_document(html: str, path: Path, printer: Printer, window: Browser | None) -> Path:
    """Write a self-contained document of the console's own (the attestation) as an A4 PDF at `path`.

    Rendered in a context of its own, without scripts, cookies or network: nothing but `html`.
    """
    with printer.browser(window) as browser:
        context = browser.new_context(java_script_enabled=False, locale="fr-FR", offline=True)
        try:
            document = context.new_page()
            document.set_content(html, wait_until="load")
            _print(document, path)
        finally:
            context.close()
    return path


def _print(page: Page, path: Path) -> None:
    page.emulate_media(media="print")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(path), format="A4", print_background=True,
             margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
