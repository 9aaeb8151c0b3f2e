"""A scanned document (PDF or image file) as page images, in memory: nothing is written to disk.

PDF pages are rendered with pdfium (`pypdfium2`, wheels for Windows, macOS and Linux) at the
resolution a scanner uses; an image file is opened with Pillow. Only the first pages are read:
a passport page, a card or a bill's first page is where the zone or the 2D-Doc is.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from autopilot.reading.proposals import ReadingFailed

DPI = 300
MAX_PAGES = 3
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def pages(path: Path) -> list[Image.Image]:
    """The document's first pages as images (each with its `dpi` in `info`)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_pages(path)
    if suffix not in IMAGES:
        raise ReadingFailed(f"« {path.name} » n'est ni un PDF ni une image : il ne peut pas être lu.")
    try:
        with Image.open(path) as image:
            image.load()
            frame = image.convert("L") if image.mode not in ("L", "RGB") else image.copy()
            frame.info["dpi"] = image.info.get("dpi", (DPI, DPI))
            return [frame]
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ReadingFailed(f"L'image « {path.name} » est illisible (fichier abîmé ou format inconnu).") from None


def _pdf_pages(path: Path) -> list[Image.Image]:
    import pypdfium2  # only for PDFs: the console starts without loading it

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        raise ReadingFailed(f"Le PDF « {path.name} » est illisible (fichier abîmé ou protégé).") from None
    try:
        images = []
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            image.info["dpi"] = (DPI, DPI)
            images.append(image)
            page.close()
        return images
    finally:
        document.close()
