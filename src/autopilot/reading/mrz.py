"""The machine-readable zone of passports and identity cards: its lines parsed and checked (docs/mrz.md).

Three layouts: the passport (ICAO 9303 TD3, two lines of 44), the identity card issued since 2021 (TD1,
three lines of 30) and the French card issued until 2021 (two lines of 36). A value is proposed as
checked only when the check digits that cover it hold; names, sex and nationality of TD3/TD1 are
covered by none and are proposed for comparison with the document. The check digits are computed
here (7-3-1 weights, ICAO 9303 part 3 §4.9), not taken from the lines' maker used by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from autopilot.reading.proposals import Check, Proposal, Reading

FILLER = "<"
TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8",
                          "G": "6"})
TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A"})
FILLER_LOOKALIKES = set("<KCSEL5X")  # what OCR makes of a run of '<'
NATIONALITIES = {"FRA": "Française"}  # what the forms take; any other code is left to type
SOURCES = {"passeport": "lu dans la bande MRZ du passeport",
           "cni-2021": "lu dans la bande MRZ de la carte d'identité",
           "cni-ancienne": "lu dans la bande MRZ de la carte d'identité (modèle d'avant 2021)"}
DOCUMENTS = {"passeport": "passeport", "cni-2021": "carte d'identité", "cni-ancienne": "carte d'identité"}
NO_KEY = "aucune clé de contrôle ne couvre le nom ; la bande ne porte pas les accents"
# Characters whose values differ by 10 weigh the same modulo 10: the check digit cannot tell them
# apart. Among them, the pairs OCR confuses (docs/mrz.md §What is proposed as checked): a value
# holding one is proposed for comparison, not as checked.
BLIND = (("<", "K"), ("6", "G"))
BLIND_NOTE = "la clé de contrôle ne distingue pas « {} » de « {} »"


def check_digit(text: str) -> str:
    """The ICAO 9303 check digit of `text` (digits, letters A=10…Z=35, '<'=0, weights 7, 3, 1)."""
    total = 0
    for position, char in enumerate(text):
        value = int(char) if char.isdigit() else ord(char) - 55 if char.isalpha() else 0
        total += value * (7, 3, 1)[position % 3]
    return str(total % 10)


def _digits(text: str) -> str:
    return text.translate(TO_DIGIT)


def _letters(text: str) -> str:
    return text.translate(TO_LETTER)


@dataclass
class _Field:
    """One value of the zone: its text and whether its own check digit holds (None: it has none)."""

    text: str
    holds: bool | None = None


def _checked(text: str, digit: str, *, numeric: bool = False) -> _Field:
    """A field and its check digit; a numeric field's letters are OCR's misreads of digits."""
    if numeric:
        text = _digits(text)
    digit = _digits(digit)  # a check digit read as anything else than a digit: the line is misread or shifted
    return _Field(text, digit.isdigit() and check_digit(text) == digit)


def _fit(line: str, length: int) -> str:
    """A line cut or padded to `length`: runs of fillers are what OCR shortens or lengthens most."""
    if len(line) > length:
        return line[:length]
    return line + FILLER * (length - len(line))


def _names(field: str) -> tuple[str, list[str]]:
    """(surname, given names) from « DURAND<<SOPHIE<JULIETTE<<<… », the trailing fillers' misreads cut off."""
    field = re.sub(r"(?<=<)[KXCSEL5](?=<)", FILLER, _letters(field))  # a lone letter amid fillers is a filler
    tail = len(field)
    while tail > 0 and field[tail - 1] in FILLER_LOOKALIKES:
        tail -= 1
    run = field[tail:]
    if FILLER in run:  # the text before the run's first filler still belongs to the last name
        tail += run.index(FILLER)
    surname, _, given = field[:tail].partition("<<")
    return surname.replace(FILLER, " ").strip(), [g.replace(FILLER, " ").strip()
                                                   for g in re.split("<<|<", given) if g.strip(FILLER)]


def _date(yymmdd: str, *, past: bool) -> date | None:
    """The date of « 850714 »: a birth date is in the past, an expiry in this century."""
    if not yymmdd.isdigit():
        return None
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    century = 1900 if past and 2000 + year > date.today().year else 2000
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


# --- the three layouts -------------------------------------------------------------------------


@dataclass
class _Zone:
    """What a layout found, before it becomes proposals."""

    kind: str
    surname: str
    given: list[str]
    names_checked: bool
    sex: str
    nationality: str
    number: _Field
    birth: _Field
    expiry: _Field | None
    composite: bool  # the check digit over the whole zone (or line) holds

    @property
    def complete(self) -> bool:
        """Every check digit of the zone holds."""
        return self.number.holds is True and self.birth.holds is True and self.composite and \
            (self.expiry is None or self.expiry.holds is True)

    @property
    def score(self) -> int:
        fields = [self.number.holds, self.birth.holds, self.expiry.holds if self.expiry else None, self.composite]
        return sum(1 for f in fields if f)


def _from(line: str, start: str) -> str:
    """The line from its document code on: OCR may add a speck before it."""
    found = line.find(start, 0, 3)
    return line[found:] if found > 0 else line


def _fillers_between(line: str, head: int, tail: int, length: int) -> str:
    """`line` at `length` when the part between its first `head` and last `tail` characters is a run of
    fillers OCR made longer or shorter: the check digits at the end stay where they belong."""
    middle = line[head:len(line) - tail]
    if len(line) >= head + tail and set(middle) <= FILLER_LOOKALIKES:
        return line[:head] + FILLER * (length - head - tail) + line[len(line) - tail:]
    return _fit(line, length)


def _td3(lines: list[str]) -> _Zone:
    one, two = _fit(_from(lines[0], "P"), 44), lines[1]
    surname, given = _names(one[5:44])
    two = _fillers_between(two, 28, 2, 44)  # no personal number: a run of fillers, then two check digits
    if set(two[28:42]) <= set(FILLER) and two[42] in FILLER_LOOKALIKES:
        two = two[:42] + FILLER + two[43]
    number, birth, expiry = _checked(two[0:9], two[9]), _checked(two[13:19], two[19], numeric=True), \
        _checked(two[21:27], two[27], numeric=True)
    composite = check_digit(number.text + two[9] + birth.text + two[19] + expiry.text + two[27] + two[28:43])
    return _Zone("passeport", surname, given, False, _letters(two[20]), _letters(two[10:13]), number, birth,
                 expiry, composite == two[43])


def _td1(lines: list[str]) -> _Zone:
    one, three = _fit(_from(lines[0], "ID"), 30), _fit(lines[2], 30)
    if set(one[15:30]) <= FILLER_LOOKALIKES:
        one = one[:15] + FILLER * 15
    two = _fillers_between(lines[1], 18, 1, 30)
    surname, given = _names(three)
    number, birth, expiry = _checked(one[5:14], one[14]), _checked(two[0:6], two[6], numeric=True), \
        _checked(two[8:14], two[14], numeric=True)
    composite = check_digit(number.text + one[14:30] + birth.text + two[6] + expiry.text + two[14] + two[18:29])
    return _Zone("cni-2021", surname, given, False, _letters(two[7]), _letters(two[15:18]), number, birth, expiry,
                 composite == two[29])


def _old_cni(lines: list[str]) -> _Zone:
    one, two = _from(lines[0], "ID"), lines[1]
    if len(one) != 36:  # the surname's fillers were shortened or lengthened: the six digits end the line
        one = _fit(one[:-6], 30) + one[-6:]
    one = one[:30] + _digits(one[30:36])
    two = _fit(two, 36)
    number, birth = _checked(two[0:12], two[12]), _checked(two[27:33], two[33], numeric=True)
    surname, _ = _names(one[5:30] + "<<")
    given = [g.replace(FILLER, " ").strip() for g in _letters(two[13:27]).split("<<") if g.strip(FILLER)]
    body = one[:30] + one[30:36] + number.text + two[12] + two[13:27] + birth.text + two[33] + two[34]
    composite = check_digit(body) == two[35]
    return _Zone("cni-ancienne", surname, given, composite, _letters(two[34]), "FRA", number, birth, None, composite)


LAYOUTS: dict[tuple[int, int], Callable[[list[str]], _Zone]] = {(2, 44): _td3, (3, 30): _td1, (2, 36): _old_cni}


def candidates(text: str) -> list[str]:
    """The lines of OCR output that may belong to a zone (long runs of A–Z, 0–9 and '<')."""
    lines = []
    for raw in text.splitlines():
        line = re.sub(r"\s+", "", raw.upper()).replace("«", "<")
        if len(line) >= 24 and re.fullmatch(r"[A-Z0-9<]+", line):
            lines.append(line)
    return lines


def best_zone(lines: list[str]) -> _Zone | None:
    """The layout that explains the last lines best: its document code (P, ID) first, then most checks
    holding, then closest lengths."""
    found = []
    for (count, length), layout in LAYOUTS.items():
        if len(lines) < count:
            continue
        chosen = lines[-count:]
        distance = sum(abs(len(line) - length) for line in chosen)
        if distance > 14 * count:  # OCR shortens runs of fillers a lot, rarely the rest
            continue
        code = "P" if length == 44 else "ID"
        zone = layout(chosen)
        found.append((code in chosen[0][:3], zone.score, -distance, zone))
    if not found:
        return None
    return max(found, key=lambda item: item[:3])[3]


def proposals(zone: _Zone) -> Reading:
    """The form's values from a zone, each checked as far as its check digits go."""
    reading = Reading(DOCUMENTS[zone.kind], SOURCES[zone.kind])
    whole = "la clé de contrôle générale de la bande ne correspond pas"

    def checked(target: tuple[str, str], label: str, value: str | None, own: bool | None, what: str,
                alphanumeric: bool = False) -> None:
        blind = next((pair for pair in BLIND[1:] if alphanumeric and value and set(pair) & set(value)), None)
        if value is None or own is False:
            reading.proposals.append(Proposal(target, label, "", Check.UNREADABLE, f"{what} illisible"))
        elif own and zone.composite and blind:
            reading.proposals.append(Proposal(target, label, value, Check.TO_CONFIRM, BLIND_NOTE.format(*blind)))
        elif own and zone.composite:
            reading.proposals.append(Proposal(target, label, value, Check.CHECKED, "clé de contrôle correcte"))
        else:
            reading.proposals.append(Proposal(target, label, value, Check.TO_CONFIRM, whole))

    names_check = Check.CHECKED if zone.names_checked else Check.TO_CONFIRM
    names_note = "clé de contrôle correcte ; la bande ne porte pas les accents" if zone.names_checked else NO_KEY
    if zone.names_checked and BLIND[0][1] in zone.surname + "".join(zone.given):
        names_check, names_note = Check.TO_CONFIRM, BLIND_NOTE.format(*BLIND[0])
    if zone.surname:
        reading.proposals.append(Proposal(("identite", "nom_naissance"), "Nom de naissance", zone.surname,
                                          names_check, names_note))
    if zone.given:
        reading.proposals.append(Proposal(("identite", "prenoms"), "Prénom(s)", ", ".join(zone.given),
                                          names_check, names_note))
    if zone.sex in ("F", "M"):
        sex_check = Check.CHECKED if zone.kind == "cni-ancienne" and zone.composite else Check.TO_CONFIRM
        reading.proposals.append(Proposal(("identite", "sexe"), "Sexe", zone.sex, sex_check,
                                          "clé de contrôle correcte" if sex_check is Check.CHECKED
                                          else "aucune clé de contrôle ne couvre le sexe"))
    born = _date(zone.birth.text, past=True)
    checked(("identite", "date_naissance"), "Date de naissance", born and f"{born:%d/%m/%Y}", zone.birth.holds,
            "date de naissance")
    if zone.nationality in NATIONALITIES:
        reading.proposals.append(Proposal(("identite", "nationalite"), "Nationalité", NATIONALITIES[zone.nationality],
                                          Check.TO_CONFIRM, f"code {zone.nationality} de la bande"))
    checked(("document", "numero"), "Numéro du document", zone.number.text.rstrip(FILLER) or None,
            zone.number.holds, "numéro du document", alphanumeric=zone.kind != "cni-ancienne")
    if zone.expiry is not None:
        expires = _date(zone.expiry.text, past=False)
        checked(("document", "date_expiration"), "Date d'expiration", expires and f"{expires:%d/%m/%Y}",
                zone.expiry.holds, "date d'expiration")
    return reading
