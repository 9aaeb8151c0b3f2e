"""One scanned document read: its 2D-Doc if it has one, else its machine-readable zone.

The 2D-Doc comes first: it needs no OCR and is read exactly or not at all. The zone is OCR'd on a
few views of the page (docs/mrz.md); the first view whose check digits all hold is kept, else the
view with the most checks holding — whose failing parts are then proposed as unreadable.
"""

from __future__ import annotations

from pathlib import Path

from autopilot.reading import mrz, ocr, scan_images, twoddoc
from autopilot.reading.proposals import Reading, ReadingFailed

NOTHING_FOUND = ("Aucune bande MRZ ni aucun code 2D-Doc n'a été trouvé dans « {name} ». Numérisez le document"
                 " entier, à plat, à 300 dpi, ou saisissez les informations.")


def read_document(path: Path) -> Reading:
    """What `path` (a PDF or an image) proposes for the form; ReadingFailed says why nothing can be."""
    pages = scan_images.pages(path)
    refused = None
    for page in pages:
        for text in twoddoc.read_codes(page):
            try:
                return twoddoc.proposals(twoddoc.decode(text))
            except twoddoc.NotA2DDoc as error:
                refused = error
    if refused is not None:
        raise ReadingFailed(f"Un code 2D-Doc a été trouvé dans « {path.name} », mais {refused}.")
    if not ocr.available():
        raise ReadingFailed(f"Aucun code 2D-Doc dans « {path.name} ». {ocr.MISSING}")
    return _read_zone(path, pages)


def _read_zone(path: Path, pages: list) -> Reading:
    best, caught = None, False
    for page in pages:
        for view in [*ocr.zone_views(page), *([ocr.whole(page)] if best is None else [])]:
            try:
                text = ocr.read_text(view)
            except ocr.OcrUnavailable as error:
                raise ReadingFailed(str(error)) from None
            zone = mrz.best_zone(mrz.candidates(text))
            if zone is None:
                continue
            if not zone.complete:
                caught = True
            if best is None or zone.score > best.score:
                best = zone
            if zone.complete:
                break
        if best is not None and best.complete:
            break
    if best is None:
        raise ReadingFailed(NOTHING_FOUND.format(name=path.name))
    reading = mrz.proposals(best)
    reading.caught = caught
    return reading
