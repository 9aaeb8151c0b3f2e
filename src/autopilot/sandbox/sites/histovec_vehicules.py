"""The vehicles HistoVec knows (fictional), and how a search names one of them.

A search (docs/teleservices.md §9.1) gives the plate, then for an SIV plate (since 2009) the
numéro de formule, for an FNI plate (before 2009) the date d'émission of the certificate; and the
holder: a particulier by « Nom de naissance » and « Prénom(s) » (SIV) or by ONE field « Nom de
naissance et prénom(s) » (FNI), a personne morale by « Raison sociale » (its « Numéro SIREN » is
optional, but must be the holder's when given). The date of first registration is never asked.
Names are compared without case, accents or punctuation [?]; anything that does not match gives
no vehicle (the site says « Ce véhicule est inconnu d'HistoVec », whatever was wrong).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from autopilot.sandbox.sites.immatriculation_vehicules import normalise_plaque

NON = "NON"


@dataclass(frozen=True)
class Vehicule:
    """A vehicle as its certificat d'immatriculation prints it, with its administrative situation.

    Each item of the situation is a line « JJ/MM/AAAA - who » as the report prints it; `delai_s` is
    how long HistoVec takes to answer for this vehicle (a trainee sees the loader meanwhile).
    """

    plaque: str
    marque: str
    modele: str
    premiere_immatriculation: str  # JJ/MM/AAAA: shown in the report, never asked
    date_certificat: str  # JJ/MM/AAAA: the date d'émission asked for an FNI plate
    numero_formule: str = ""  # SIV plates only
    nom: str = ""
    prenoms: str = ""
    raison_sociale: str = ""
    siren: str = ""
    gages: tuple[str, ...] = ()
    oppositions: tuple[str, ...] = ()
    saisies: tuple[str, ...] = ()
    suspensions: tuple[str, ...] = ()
    vole: bool = False
    delai_s: float = 0.0

    @property
    def fni(self) -> bool:
        return " " in self.plaque

    @property
    def titulaire(self) -> str:
        """Rubrique C.1 as printed: « NOM PRÉNOMS » or the raison sociale."""
        return self.raison_sociale or f"{self.nom} {self.prenoms}".upper()

    def situation(self) -> dict[str, list[str]]:
        """The Situation administrative tab: each heading → its lines, « NON » when there is none."""
        return {"Gages": list(self.gages) or [NON], "Oppositions": list(self.oppositions) or [NON],
                "Déclarations valant saisie": list(self.saisies) or [NON],
                "Suspensions": list(self.suspensions) or [NON]}

    def synthese(self) -> list[str]:
        """The Synthèse tab's sentences; « Rien à signaler » for a vehicle with nothing to report."""
        said = [f"Le véhicule est gagé ({gage})." for gage in self.gages]
        said += [f"Le véhicule fait l'objet d'une opposition ({o})." for o in self.oppositions]
        said += [f"Le véhicule fait l'objet d'une déclaration valant saisie ({s})." for s in self.saisies]
        said += [f"Le certificat d'immatriculation est suspendu ({s})." for s in self.suspensions]
        said += ["Le véhicule est déclaré volé."] if self.vole else []
        return said or ["Rien à signaler"]


# Holders' names as printed on their certificates. DB-732-MN is the demo citizen's car, also known
# to the ANTS vehicle site (`immatriculation_vehicules`), with the same numéro de formule.
VEHICULES = (
    Vehicule("AB-123-CD", "RENAULT", "CLIO", "15/03/2018", "02/06/2021", "2021AB12345",
             nom="MARTIN", prenoms="JEANNE MARIE"),
    Vehicule("FG-456-HJ", "PEUGEOT", "308", "20/09/2019", "20/09/2019", "2019FG45601",
             nom="DUPONT", prenoms="KARIM", gages=("12/01/2024 - CRÉDIT AUTO EXEMPLE",)),
    Vehicule("DB-732-MN", "RENAULT", "CLIO", "17/09/2020", "17/09/2020", "2020DB73205",
             nom="LEFÈVRE", prenoms="CAMILLE LOUISE"),
    Vehicule("KL-789-MN", "RENAULT", "KANGOO", "04/07/2020", "04/07/2020", "2020KL78902",
             raison_sociale="TRANSPORTS LEFÈVRE", siren="732829320"),
    Vehicule("PR-321-ST", "TOYOTA", "YARIS", "30/01/2022", "30/01/2022", "2022PR32103",
             nom="BERNARD", prenoms="SOPHIE", gages=("30/01/2022 - BANQUE EXEMPLE",),
             oppositions=("18/06/2025 - TRIBUNAL JUDICIAIRE DE LYON",)),
    # Its data comes late: the report shows « Rien à signaler » under the loader first.
    Vehicule("HT-562-VB", "DACIA", "SANDERO", "15/06/2021", "15/06/2021", "2021HT56204",
             nom="ROUSSEL", prenoms="NADIA", gages=("15/06/2021 - DIAC SA",), delai_s=3.0),
    Vehicule("EV-318-PA", "VOLKSWAGEN", "POLO", "03/03/2017", "11/05/2022", "2022EV31805",
             nom="PETIT", prenoms="THOMAS", vole=True),
    Vehicule("123 AB 75", "CITROËN", "XSARA", "12/05/1999", "10/10/2005",
             nom="MOREAU", prenoms="LUCIEN", oppositions=("03/02/2025 - TRÉSOR PUBLIC (OTCI)",)),
    Vehicule("852 BCD 69", "PEUGEOT", "206", "08/11/2003", "08/11/2003",
             nom="GARNIER", prenoms="PAUL ANDRÉ"),
    Vehicule("4417 XM 33", "RENAULT", "MASTER", "21/02/2007", "21/02/2007",
             raison_sociale="BOULANGERIE DURAND", siren="552100554"),
)


def same_text(typed: str, printed: str) -> bool:
    """Names compared without case, accents or punctuation."""
    def plain(text: str) -> str:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return " ".join(re.sub(r"[^a-z0-9]+", " ", stripped.casefold()).split())

    return plain(typed) == plain(printed)


def plaque(raw: str) -> str | None:
    """The plate as the SIV writes it; None when it is not one. Spaces and dashes do not count."""
    return normalise_plaque(" ".join(re.sub(r"[\s-]+", " ", raw).split()))


def find(search: Mapping[str, str]) -> Vehicule | None:
    """The vehicle a search names (the JSON HistoVec's page sends), or None."""
    plate = plaque(search.get("plaque", ""))
    for vehicule in VEHICULES:
        if vehicule.plaque != plate or (search.get("type_immatriculation") == "fni") != vehicule.fni:
            continue
        if vehicule.fni:
            if search.get("date_emission", "").strip() != vehicule.date_certificat:
                continue
        elif search.get("numero_formule", "").replace(" ", "").upper() != vehicule.numero_formule:
            continue
        if _holder_matches(vehicule, search):
            return vehicule
    return None


def _holder_matches(vehicule: Vehicule, search: Mapping[str, str]) -> bool:
    if search.get("type_personne") == "morale":
        siren = search.get("siren", "").replace(" ", "")
        return bool(vehicule.raison_sociale) and same_text(search.get("raison_sociale", ""), vehicule.raison_sociale) \
            and siren in ("", vehicule.siren)
    if not vehicule.nom:
        return False
    if vehicule.fni:
        return same_text(search.get("nom_prenoms", ""), f"{vehicule.nom} {vehicule.prenoms}")
    return same_text(search.get("nom", ""), vehicule.nom) and same_text(search.get("prenoms", ""), vehicule.prenoms)
