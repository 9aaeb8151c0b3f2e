"""The 2D-Doc of a justificatif de domicile: its DataMatrix found and decoded per the ANTS specification.

The facts used (header layout per version, certificate authority, document types, the fields'
identifiers and separators) are in docs/2d-doc.md with their sources. The DataMatrix's own error
correction means a decoded code is read exactly or not at all. The signature is not verified: that
needs the certificate authority's published certificates, which an offline desk does not have —
the console says « signature non vérifiée » rather than pretend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from PIL import Image

from autopilot.reading.proposals import Check, Proposal, Reading

GS, RS, US = "\x1d", "\x1e", "\x1f"
HEADER_LENGTH = {1: 22, 2: 22, 3: 24, 4: 26}  # docs/2d-doc.md §En-tête
EPOCH = date(2000, 1, 1)
ADDRESS_PROOFS = {"00": "justificatif de domicile", "01": "facture", "02": "avis de taxe d'habitation"}
FIXED = {"24": 5, "26": 2, "2B": 5, "2D": 2, "06": 4, "08": 4, "09": 4, "1C": 8, "1G": 1, "1H": 1}
SOURCE = "lu dans le 2D-Doc de la facture"
UNSIGNED = "Signature non vérifiée : l'authenticité du document n'est pas contrôlée hors ligne."
COUNTRIES = {"FR": "France"}


@dataclass
class Header:
    """The 2D-Doc's header (docs/2d-doc.md §En-tête)."""

    version: int
    authority: str  # the certificate authority, e.g. FR01
    certificate: str
    issued: date | None
    signed: date | None
    doc_type: str
    perimeter: str = "01"
    country: str = "FR"


@dataclass
class TwoDDoc:
    """A decoded 2D-Doc: header, fields by identifier, and whether a signature follows."""

    header: Header
    fields: dict[str, str] = field(default_factory=dict)
    signature: str = ""


class NotA2DDoc(ValueError):
    """The code read is not a 2D-Doc this reader understands; the message says what was wrong, in French."""


def _day(hex_days: str) -> date | None:
    if hex_days.upper() == "FFFF":  # no date given [?] (docs/2d-doc.md)
        return None
    try:
        return EPOCH + timedelta(days=int(hex_days, 16))
    except ValueError:
        raise NotA2DDoc(f"date illisible dans l'en-tête ({hex_days})") from None


def decode(text: str) -> TwoDDoc:
    """The header and fields of a 2D-Doc in C40 mode (the text a DataMatrix reader gives)."""
    if not text.startswith("DC") or not text[2:4].isdigit():
        raise NotA2DDoc("ce code n'est pas un 2D-Doc (il ne commence pas par « DC »)")
    version = int(text[2:4])
    if version not in HEADER_LENGTH:
        raise NotA2DDoc(f"version {version} de 2D-Doc inconnue")
    size = HEADER_LENGTH[version]
    head = text[:size]
    if len(head) < size:
        raise NotA2DDoc("en-tête incomplet")
    header = Header(version, head[4:8], head[8:12], _day(head[12:16]), _day(head[16:20]), head[20:22],
                    head[22:24] if version >= 3 else "01", head[24:26] if version >= 4 else "FR")
    message, _, signature = text[size:].partition(US)
    doc = TwoDDoc(header, signature=signature)
    rest = message
    while rest:
        key, rest = rest[:2], rest[2:]
        if len(key) < 2:
            raise NotA2DDoc("champ tronqué à la fin du message")
        if key in FIXED:
            value, rest = rest[:FIXED[key]], rest[FIXED[key]:]
            rest = rest[1:] if rest.startswith(GS) else rest
        else:
            ends = [i for i in (rest.find(GS), rest.find(RS)) if i >= 0]
            end = min(ends) if ends else len(rest)
            value, rest = rest[:end], rest[end + 1:]
        doc.fields[key] = value.strip()
    return doc


def read_codes(image: Image.Image) -> list[str]:
    """The texts of the DataMatrix symbols zxing-cpp finds in `image` (control characters kept)."""
    import zxingcpp  # loaded on first use: the console starts without it

    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.DataMatrix,
                                   text_mode=zxingcpp.TextMode.Plain)
    return [code.text for code in found if code.valid]


def proposals(doc: TwoDDoc) -> Reading:
    """The citizen's name and address from a justificatif de domicile's 2D-Doc."""
    kind = ADDRESS_PROOFS.get(doc.header.doc_type) if doc.header.perimeter == "01" else None
    if kind is None:
        raise NotA2DDoc(f"ce 2D-Doc n'est pas un justificatif de domicile (type {doc.header.doc_type},"
                        f" périmètre {doc.header.perimeter})")
    reading = Reading(kind, SOURCE, notes=[
        f"2D-Doc version {doc.header.version}, autorité de certification {doc.header.authority},"
        f" certificat {doc.header.certificate}, type « {kind} »"
        + (f", émis le {doc.header.issued:%d/%m/%Y}." if doc.header.issued else "."), UNSIGNED])
    f = doc.fields
    ok = "en-tête et type du 2D-Doc reconnus"
    # The service point's address (lines 20–26) is where the citizen lives; the invoice's addressee
    # (27–2D) may be someone else's address: it is only the fallback (docs/2d-doc.md §Field identifiers used).
    service = any(key in f for key in ("22", "24", "25"))
    keys = ("20", "21", "22", "23", "24", "25", "26") if service else ("27", "28", "29", "2A", "2B", "2C", "2D")
    complement, building, street, place, postcode, town, country = (f.get(k, "") for k in keys)
    name_note = "nom porté sur la facture : peut être le nom d'usage ; la facture ne porte pas les accents"
    if f.get("13"):
        reading.proposals.append(Proposal(("identite", "nom_naissance"), "Nom de naissance", f["13"],
                                          Check.TO_CONFIRM, name_note))
    if f.get("12"):
        reading.proposals.append(Proposal(("identite", "prenoms"), "Prénom(s)", f["12"], Check.TO_CONFIRM,
                                          "prénom porté sur la facture"))
    for target, label, value in ((("adresse", "voie"), "Numéro et libellé de la voie", street),
                                 (("adresse", "complement"), "Complément d'adresse",
                                  ", ".join(v for v in (complement, building, place) if v)),
                                 (("adresse", "code_postal"), "Code postal", postcode),
                                 (("adresse", "commune"), "Commune", town),
                                 (("adresse", "pays"), "Pays", COUNTRIES.get(country, ""))):
        if value:
            reading.proposals.append(Proposal(target, label, value, Check.CHECKED, ok))
    if not street or not postcode or not town:
        missing = [label for label, value in (("la voie", street), ("le code postal", postcode),
                                              ("la commune", town)) if not value]
        reading.notes.append("Le 2D-Doc ne donne pas " + " ni ".join(missing) + " : à saisir.")
    return reading
