"""From what a field shows to a declared input: its name, its type, its options.

A recorded value becomes an input of the flow, named after the field's label in the
administration's words (« Nom de naissance » → `nom_naissance`) and typed from what the page
says about the field (an e-mail input, `autocomplete="postal-code"`, a « JJ/MM/AAAA » hint…)
and, last, from the demonstrated value (16 digits → `numero_timbre`). Everything here is a
guess made once, written in a file the author reads; nothing is guessed at replay.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from autopilot.recorder.events import FieldFacts

OPTIONAL = re.compile(r"\s*\(\s*facultati(?:f|ve)\s*\)\s*", re.IGNORECASE)
_STOP_WORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "leur", "mon", "ma", "mes", "notre", "nos", "ou", "par", "pour", "sa", "se", "ses", "son", "sur", "ta", "tes", "ton", "un", "une", "vos", "votre"]
)
_MAX_WORDS = 5
_DATE_VALUE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIXTEEN_DIGITS = re.compile(r"^(?:\d\s?){16}$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# The formats a vehicle form's hint gives (docs/teleservices.md §9.1: « AA-123-AA », « 123-ABC-45 », « 2013BZ80335 »).
_PLATE_HINT = re.compile(r"\b(?:aa-?123-?aa|[a-z]{2}-\d{3}-[a-z]{2}|123-?abc-?45|\d{1,4}[ -][a-z]{1,3}[ -]\d{2})\b")
_FORMULE_HINT = re.compile(r"\b\d{4}[a-z]{2}\d{5}\b")
ATTESTATION_WORDS = ("certifie", "atteste", "j'accepte", "accepte les", "déclare sur l'honneur", "pris connaissance",
                     "reconnais", "consens")
"""A checkbox whose label says one of these is ticked for every citizen: not an input."""
SUBMIT_WORDS = ("valider", "envoyer", "transmettre", "signer", "soumettre")
PAYMENT_WORDS = ("payer", "paiement", "régler")
LONG_CHOICE = 15
"""A select offering more options than this is read as text: the option's exact wording."""
DATE_PARTS = {"jour": "jour", "mois": "mois", "annee": "annee"}
EMAIL_WORDS = ("courriel", "adresse electronique", "e-mail", "email")


def plain(text: str) -> str:
    """Lower case, without accents, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def without_optional(label: str) -> str:
    """« Nom d'usage (facultatif) » → « Nom d'usage »."""
    return OPTIONAL.sub(" ", label).strip()


def is_optional(label: str) -> bool:
    """Whether the page says the field may stay empty."""
    return bool(OPTIONAL.search(label))


def slug(text: str, *, separator: str = "_") -> str:
    """An identifier from French words: « Nom de naissance » → `nom_naissance`."""
    words = re.split(r"[^a-z0-9]+", plain(without_optional(text)).replace("(s)", "s").replace("'", " "))
    kept = [w for w in words if w and w not in _STOP_WORDS][:_MAX_WORDS]
    name = separator.join(kept) or "champ"
    return name if name[0].isalpha() else f"champ{separator}{name}"


def input_name(label: str, within: str | None = None) -> str:
    """The input's name: the label's words, prefixed by its section when the page needs one."""
    return slug(f"{within} {label}" if within else label)


def date_part(label: str) -> str | None:
    """`jour`, `mois` or `annee` for the three inputs of a date, else None."""
    return DATE_PARTS.get(slug(label))


def text_type(field: FieldFacts, value: str) -> tuple[str, str | None]:
    """The input type of a text field and the template filter its value needs (dates)."""
    label = plain(field.label)
    hint = plain(field.hint)
    autocomplete = field.autocomplete.lower()
    if field.input_type == "date" or _ISO_DATE.match(value):
        return "date", "aaaa_mm_jj"
    if "jj/mm/aaaa" in hint or _DATE_VALUE.match(value) or label.startswith("date "):
        return "date", "jj_mm_aaaa"
    if field.input_type == "email" or "email" in autocomplete or any(w in label for w in EMAIL_WORDS):
        return "courriel", None
    if field.input_type == "tel" or autocomplete.startswith("tel") or "telephone" in label:
        return "telephone", None
    if "postal-code" in autocomplete or "code postal" in label:
        return "code_postal", None
    if "numero de formule" in label or _FORMULE_HINT.search(hint):
        return "numero_formule", None
    if re.search(r"\bnumero d'?\s?immatriculation\b|\bimmatriculation du vehicule\b", label) or _PLATE_HINT.search(hint):
        return "plaque", None
    if re.search(r"\bsiren\b", label):
        return "siren", None
    if re.search(r"\bsiret\b", label):
        return "siret", None
    if "timbre" in label or _SIXTEEN_DIGITS.match(value):
        return "numero_timbre", None
    if "numero de pre-demande" in label or "numero de predemande" in label:
        return "numero_predemande", None
    if "numero de demande" in label:
        return "numero_demande", None
    if (field.input_type == "number" or field.inputmode in ("numeric", "decimal")) and value.strip().isdigit():
        return "entier", None
    return "texte", None


def is_attestation(label: str) -> bool:
    """A certification every citizen ticks (« Je certifie sur l'honneur… »)."""
    text = label.lower()
    return any(word in text for word in ATTESTATION_WORDS)


def choice_codes(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, page text) for each option: the page's own value when it reads as a code, else the text's slug."""
    options = [(value, text) for value, text in options if text]
    values = [value for value, _ in options]
    usable = all(_CODE.match(v) for v in values) and len(set(values)) == len(values)
    if usable:
        return options
    codes: list[tuple[str, str]] = []
    for _, text in options:
        code = slug(text)
        while code in {c for c, _ in codes}:
            code += "_bis"
        codes.append((code, text))
    return codes


def click_gate(name: str) -> str | None:
    """`submit` or `payment` for a button that looks final (« Valider ma pré-demande », « Payer 86 € »)."""
    first = plain(name).split(" ")[0] if name.strip() else ""
    if any(first.startswith(plain(w)) for w in PAYMENT_WORDS):
        return "payment"
    if any(first.startswith(w) for w in SUBMIT_WORDS):
        return "submit"
    return None
