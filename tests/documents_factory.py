"""Scanned documents of fictitious people, made for the tests and the bench: never a real document.

A passport (ICAO 9303 TD3), a 2021 identity card (TD1), an older French identity card (two lines of
36 characters) — each a card-sized image whose machine-readable zone is set in OCR-B (Debian's
`fonts-ocr-b`), with a slight rotation, noise and a 150–300 dpi resolution, saved as PNG or as a
scanned PDF; and a bill-like page carrying a 2D-Doc DataMatrix built per the ANTS specification
(docs/2d-doc.md) with zxing-cpp's writer and a dummy signature.

The MRZ lines come from the `mrz` package (TD3, TD1) and, for the older card, from the layout in
docs/mrz.md with `mrz`'s own check-digit function: the truth is made apart from the reader it tests.
"""

from __future__ import annotations

import base64
import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import zxingcpp
from mrz.base.functions import hash_string
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")  # fonts-ocr-b (scripts/setup --test)
PLAIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MM_PER_INCH = 25.4
MRZ_PITCH_MM = 2.54  # ICAO 9303: ten characters per inch

SURNAMES = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
            "SIMON", "LAURENT", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL",
            "LE GOFF", "KERVELLA", "GUERIN", "BOYER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER"]
GIVEN = {"F": ["CLAIRE", "ANNE", "LOUISE", "MARIE", "JEANNE", "SOPHIE", "EMMA", "CHLOE", "LEA", "JULIETTE", "ZOE"],
         "M": ["PIERRE", "JEAN", "LOUIS", "PAUL", "HUGO", "LUCAS", "YANNICK", "MARC", "XAVIER", "OLIVIER", "QUENTIN"]}
STREETS = ["RUE DES LILAS", "AVENUE JEAN JAURES", "PLACE DE LA MAIRIE", "CHEMIN DU MOULIN", "RUE VICTOR HUGO",
           "BOULEVARD DE LA LIBERTE", "IMPASSE DES ROSES", "ALLEE DES CHENES"]
TOWNS = [("35000", "RENNES"), ("29000", "QUIMPER"), ("69003", "LYON"), ("13001", "MARSEILLE"), ("44000", "NANTES"),
         ("31000", "TOULOUSE"), ("59000", "LILLE"), ("67000", "STRASBOURG")]


@dataclass
class Person:
    """A fictitious citizen and the papers made for them."""

    nom: str
    prenoms: list[str]
    sexe: str  # F or M
    naissance: date
    numero: str  # the document's number
    expiration: date
    voie: str = ""
    code_postal: str = ""
    commune: str = ""
    complement: str = ""
    nationalite: str = "FRA"
    extra: dict[str, str] = field(default_factory=dict)


def fictitious(rng: random.Random) -> Person:
    """A random fictitious person, with an address."""
    sexe = rng.choice("FM")
    given = rng.sample(GIVEN[sexe], rng.choice([1, 2, 2, 3]))
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 66))
    expires = date(2027, 1, 1) + timedelta(days=rng.randrange(365 * 9))
    number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(9))
    code_postal, commune = rng.choice(TOWNS)
    return Person(rng.choice(SURNAMES), given, sexe, born, number, expires,
                  voie=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}", code_postal=code_postal, commune=commune,
                  complement=rng.choice(["", "", "APPARTEMENT 4", "BATIMENT B"]))


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


# --- the machine-readable zones -------------------------------------------------------------


def passport_mrz(person: Person) -> list[str]:
    """The two 44-character lines of a French passport (TD3), made by the `mrz` package."""
    code = TD3CodeGenerator("P", "FRA", person.nom, " ".join(person.prenoms), person.numero, person.nationalite,
                            _yymmdd(person.naissance), person.sexe, _yymmdd(person.expiration))
    return str(code).splitlines()


def cni_2021_mrz(person: Person) -> list[str]:
    """The three 30-character lines of the 2021 French identity card (TD1), made by the `mrz` package."""
    code = TD1CodeGenerator("ID", "FRA", person.numero, _yymmdd(person.naissance), person.sexe,
                            _yymmdd(person.expiration), person.nationalite, person.nom, " ".join(person.prenoms))
    return str(code).splitlines()


def old_cni_mrz(person: Person, rng: random.Random) -> list[str]:
    """The two 36-character lines of the French identity card issued until 2021 (docs/mrz.md); its
    number (issue month, office, sequence) replaces `person.numero`."""
    office = f"{rng.randrange(1, 96):02d}{rng.randrange(10)}"
    line1 = ("IDFRA" + person.nom.replace(" ", "<").replace("-", "<")).ljust(30, "<")[:30] + office + \
        f"{rng.randrange(1000):03d}"
    issued = person.expiration - timedelta(days=365 * 15)
    number = f"{issued:%y%m}{office}{rng.randrange(100000):05d}"
    person.numero = number
    names = "<<".join(p.replace(" ", "<") for p in person.prenoms)
    while len(names) > 14:  # the field keeps whole first names only
        names = "<<".join(names.split("<<")[:-1])
    body = number + hash_string(number) + names.ljust(14, "<") + _yymmdd(person.naissance)
    body += hash_string(_yymmdd(person.naissance)) + person.sexe
    person.extra["prenoms_lus"] = ", ".join(names.split("<<"))
    return [line1, body + hash_string(line1 + body)]


# --- images ---------------------------------------------------------------------------------


def _px(mm: float, dpi: int) -> int:
    return round(mm / MM_PER_INCH * dpi)


def _plain(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The visual zone's text face: DejaVu where installed, else Pillow's own."""
    try:
        return ImageFont.truetype(PLAIN, size)
    except OSError:
        return ImageFont.load_default(size)


def _mrz_font(dpi: int) -> ImageFont.FreeTypeFont:
    """OCR-B at the size whose advance is the MRZ's pitch at `dpi`."""
    probe = ImageFont.truetype(str(FONT), 100)
    advance = probe.getlength("<" * 10) / 10
    return ImageFont.truetype(str(FONT), round(100 * _px(MRZ_PITCH_MM, dpi) / advance))


def card_image(lines: list[str], *, title: str, size_mm: tuple[float, float], dpi: int, angle: float,
               rng: random.Random, noise: float = 0.04) -> Image.Image:
    """A card or passport page as a scanner sees it: a visual zone, the MRZ at the bottom, noise, a tilt."""
    width, height = _px(size_mm[0], dpi), _px(size_mm[1], dpi)
    card = Image.new("L", (width, height), 236)
    draw = ImageDraw.Draw(card)
    plain = _plain(max(8, _px(3, dpi)))
    draw.text((_px(6, dpi), _px(4, dpi)), f"RÉPUBLIQUE FRANÇAISE — {title}", fill=60, font=plain)
    draw.rectangle((_px(6, dpi), _px(12, dpi), _px(32, dpi), _px(size_mm[1] - 24, dpi)), fill=170)  # the photo
    for row, text in enumerate(("Nom / Surname", "Prénoms / Given names", "Sexe / Sex", "Date de naissance")):
        draw.text((_px(38, dpi), _px(12 + row * 6, dpi)), text, fill=90, font=plain)
    font = _mrz_font(dpi)
    pitch = _px(4.2, dpi)  # ICAO: the lines' spacing
    top = height - _px(5, dpi) - pitch * len(lines)
    for row, text in enumerate(lines):
        draw.text((_px(5, dpi), top + row * pitch), text, fill=20, font=font)
    card = card.filter(ImageFilter.GaussianBlur(radius=dpi / 300 * 0.6))
    page = Image.new("L", (width + _px(20, dpi), height + _px(20, dpi)), 250)  # the scanner's glass around it
    page.paste(card, (_px(10, dpi), _px(10, dpi)))
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=250, expand=False)
    return _noisy(page, rng, noise)


def _noisy(image: Image.Image, rng: random.Random, share: float) -> Image.Image:
    """Salt-and-pepper dust and a little grain, as a flatbed scan has."""
    pixels = image.load()
    width, height = image.size
    for _ in range(int(width * height * share)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = max(0, min(255, pixels[x, y] + rng.choice((-70, -40, 40, 70))))
    return image


CARD_MM = {"passeport": (125, 88), "cni-2021": (85.6, 54), "cni-ancienne": (105, 74)}


# --- 2D-Doc ---------------------------------------------------------------------------------

GS, RS, US = "\x1d", "\x1e", "\x1f"


def two_d_doc(person: Person, *, issued: date, doc_type: str = "01", version: int = 4,
              rng: random.Random | None = None) -> str:
    """The text of a bill's 2D-Doc (C40 mode), header + fields + a dummy signature (docs/2d-doc.md)."""
    rng = rng or random.Random(0)
    days = f"{(issued - date(2000, 1, 1)).days:04X}"
    header = f"DC{version:02d}FR000001{days}{days}{doc_type}"
    header += ("01" if version >= 3 else "") + ("FR" if version >= 4 else "")
    civilite = "MME" if person.sexe == "F" else "M"
    fields = [("10", f"{civilite} {person.prenoms[0]} {person.nom}"), ("12", person.prenoms[0]), ("13", person.nom)]
    if person.complement:
        fields.append(("20", person.complement))
    fields += [("22", person.voie), ("24", person.code_postal), ("25", person.commune), ("26", "FR"),
               ("18", f"F{rng.randrange(10**9):09d}")]
    message = "".join(key + value + ("" if key in ("24", "26") else GS) for key, value in fields).rstrip(GS)
    signature = base64.b32encode(rng.randbytes(64)).decode("ascii").rstrip("=")
    return header + message + US + signature


def bill_image(code: str, person: Person, *, dpi: int, angle: float, rng: random.Random) -> Image.Image:
    """An A4 energy bill with its 2D-Doc at the top right, tilted and noisy like a scan."""
    width, height = _px(210, dpi), _px(297, dpi)
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    plain = _plain(_px(3.5, dpi))
    lines = ["ÉNERGIES D'EXEMPLE — Facture d'électricité", "",
             f"{'MME' if person.sexe == 'F' else 'M'} {person.prenoms[0]} {person.nom}", person.complement,
             person.voie, f"{person.code_postal} {person.commune}", "", "Montant TTC : 84,12 €"]
    for row, text in enumerate(lines):
        draw.text((_px(20, dpi), _px(30 + row * 7, dpi)), text, fill=30, font=plain)
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.DataMatrix)
    module = max(2, _px(0.42, dpi))  # ~0.4 mm per module, as printed bills have
    view = memoryview(barcode.to_image(scale=module, add_quiet_zones=True))
    symbol = Image.frombytes("L", (view.shape[1], view.shape[0]), view.tobytes())
    page.paste(symbol, (width - symbol.width - _px(20, dpi), _px(20, dpi)))
    page = page.filter(ImageFilter.GaussianBlur(radius=dpi / 300 * 0.5))
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=250)
    return _noisy(page, rng, 0.01)


# --- files ----------------------------------------------------------------------------------


def save(image: Image.Image, path: Path, dpi: int) -> Path:
    """As a PNG or, for a .pdf path, as a one-page scanned PDF (the image inside, no text layer)."""
    if path.suffix.lower() == ".pdf":
        image.convert("RGB").save(path, "PDF", resolution=dpi)
    else:
        image.save(path, dpi=(dpi, dpi))
    return path


@dataclass
class Made:
    """A generated document and the truth it carries."""

    kind: str  # passeport | cni-2021 | cni-ancienne | facture
    path: Path
    person: Person
    lines: list[str] = field(default_factory=list)  # the MRZ as printed, or the 2D-Doc's text


def make(kind: str, folder: Path, rng: random.Random, *, person: Person | None = None, pdf: bool = False,
         dpi: int | None = None) -> Made:
    """One document of `kind` for `person` (a random one if None), saved in `folder`."""
    person = dataclasses.replace(person, extra=dict(person.extra)) if person else fictitious(rng)
    dpi = dpi or rng.choice([150, 200, 300])
    angle = rng.uniform(-1.5, 1.5)
    name = f"{kind}-{rng.randrange(10**6):06d}.{'pdf' if pdf else 'png'}"
    if kind == "facture":
        code = two_d_doc(person, issued=date(2026, 10, 1) + timedelta(days=rng.randrange(60)), rng=rng)
        image, lines = bill_image(code, person, dpi=dpi, angle=angle, rng=rng), [code]
    else:
        lines = {"passeport": passport_mrz, "cni-2021": cni_2021_mrz}.get(kind, lambda p: old_cni_mrz(p, rng))(person)
        title = {"passeport": "PASSEPORT", "cni-2021": "CARTE NATIONALE D'IDENTITÉ"}.get(kind, "CARTE D'IDENTITÉ")
        image = card_image(lines, title=title, size_mm=CARD_MM[kind], dpi=dpi, angle=angle, rng=rng)
    return Made(kind, save(image, folder / name, dpi), person, lines)
