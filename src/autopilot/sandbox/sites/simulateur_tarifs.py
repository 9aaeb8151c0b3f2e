"""The cost simulator's data: each département's région, and the région's cheval fiscal as dated rows.

Facts in docs/teleservices.md §9.2 (2026 table, electric vehicles) and §5 (2023 and 2025 rates).
A newer row of a région replaces its older one from its start date. Where a source gives a year
but no start date, the 1st of January is assumed [?]. Nothing here is authoritative: the rows are
what the sources said in November–December 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ARA, BFC, BRETAGNE, CVL = "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire"
CORSE, GRAND_EST, HDF, IDF = "Corse", "Grand Est", "Hauts-de-France", "Île-de-France"
NORMANDIE, NOUVELLE_AQUITAINE, OCCITANIE = "Normandie", "Nouvelle-Aquitaine", "Occitanie"
PDL, PACA = "Pays de la Loire", "Provence-Alpes-Côte d'Azur"
GUADELOUPE, MARTINIQUE, GUYANE, REUNION, MAYOTTE = "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"

# Code, name and région of every département (971–976: the five overseas régions; 975, Saint-Pierre-
# et-Miquelon, is not a région and has no rate in the sources).
DEPARTEMENTS: tuple[tuple[str, str, str], ...] = (
    ("01", "Ain", ARA), ("02", "Aisne", HDF), ("03", "Allier", ARA),
    ("04", "Alpes-de-Haute-Provence", PACA), ("05", "Hautes-Alpes", PACA), ("06", "Alpes-Maritimes", PACA),
    ("07", "Ardèche", ARA), ("08", "Ardennes", GRAND_EST), ("09", "Ariège", OCCITANIE), ("10", "Aube", GRAND_EST),
    ("11", "Aude", OCCITANIE), ("12", "Aveyron", OCCITANIE), ("13", "Bouches-du-Rhône", PACA),
    ("14", "Calvados", NORMANDIE), ("15", "Cantal", ARA), ("16", "Charente", NOUVELLE_AQUITAINE),
    ("17", "Charente-Maritime", NOUVELLE_AQUITAINE), ("18", "Cher", CVL), ("19", "Corrèze", NOUVELLE_AQUITAINE),
    ("2A", "Corse-du-Sud", CORSE), ("2B", "Haute-Corse", CORSE), ("21", "Côte-d'Or", BFC),
    ("22", "Côtes-d'Armor", BRETAGNE), ("23", "Creuse", NOUVELLE_AQUITAINE), ("24", "Dordogne", NOUVELLE_AQUITAINE),
    ("25", "Doubs", BFC), ("26", "Drôme", ARA), ("27", "Eure", NORMANDIE), ("28", "Eure-et-Loir", CVL),
    ("29", "Finistère", BRETAGNE), ("30", "Gard", OCCITANIE), ("31", "Haute-Garonne", OCCITANIE),
    ("32", "Gers", OCCITANIE), ("33", "Gironde", NOUVELLE_AQUITAINE), ("34", "Hérault", OCCITANIE),
    ("35", "Ille-et-Vilaine", BRETAGNE), ("36", "Indre", CVL), ("37", "Indre-et-Loire", CVL), ("38", "Isère", ARA),
    ("39", "Jura", BFC), ("40", "Landes", NOUVELLE_AQUITAINE), ("41", "Loir-et-Cher", CVL), ("42", "Loire", ARA),
    ("43", "Haute-Loire", ARA), ("44", "Loire-Atlantique", PDL), ("45", "Loiret", CVL), ("46", "Lot", OCCITANIE),
    ("47", "Lot-et-Garonne", NOUVELLE_AQUITAINE), ("48", "Lozère", OCCITANIE), ("49", "Maine-et-Loire", PDL),
    ("50", "Manche", NORMANDIE), ("51", "Marne", GRAND_EST), ("52", "Haute-Marne", GRAND_EST), ("53", "Mayenne", PDL),
    ("54", "Meurthe-et-Moselle", GRAND_EST), ("55", "Meuse", GRAND_EST), ("56", "Morbihan", BRETAGNE),
    ("57", "Moselle", GRAND_EST), ("58", "Nièvre", BFC), ("59", "Nord", HDF), ("60", "Oise", HDF),
    ("61", "Orne", NORMANDIE), ("62", "Pas-de-Calais", HDF), ("63", "Puy-de-Dôme", ARA),
    ("64", "Pyrénées-Atlantiques", NOUVELLE_AQUITAINE), ("65", "Hautes-Pyrénées", OCCITANIE),
    ("66", "Pyrénées-Orientales", OCCITANIE), ("67", "Bas-Rhin", GRAND_EST), ("68", "Haut-Rhin", GRAND_EST),
    ("69", "Rhône", ARA), ("70", "Haute-Saône", BFC), ("71", "Saône-et-Loire", BFC), ("72", "Sarthe", PDL),
    ("73", "Savoie", ARA), ("74", "Haute-Savoie", ARA), ("75", "Paris", IDF), ("76", "Seine-Maritime", NORMANDIE),
    ("77", "Seine-et-Marne", IDF), ("78", "Yvelines", IDF), ("79", "Deux-Sèvres", NOUVELLE_AQUITAINE),
    ("80", "Somme", HDF), ("81", "Tarn", OCCITANIE), ("82", "Tarn-et-Garonne", OCCITANIE), ("83", "Var", PACA),
    ("84", "Vaucluse", PACA), ("85", "Vendée", PDL), ("86", "Vienne", NOUVELLE_AQUITAINE),
    ("87", "Haute-Vienne", NOUVELLE_AQUITAINE), ("88", "Vosges", GRAND_EST), ("89", "Yonne", BFC),
    ("90", "Territoire de Belfort", BFC), ("91", "Essonne", IDF), ("92", "Hauts-de-Seine", IDF),
    ("93", "Seine-Saint-Denis", IDF), ("94", "Val-de-Marne", IDF), ("95", "Val-d'Oise", IDF),
    ("971", "Guadeloupe", GUADELOUPE), ("972", "Martinique", MARTINIQUE), ("973", "Guyane", GUYANE),
    ("974", "La Réunion", REUNION), ("976", "Mayotte", MAYOTTE),
)
REGION_OF = {code: region for code, _, region in DEPARTEMENTS}
REGIONS = (ARA, BFC, BRETAGNE, CVL, CORSE, GRAND_EST, HDF, IDF, NORMANDIE, NOUVELLE_AQUITAINE, OCCITANIE, PDL, PACA,
           GUADELOUPE, GUYANE, MARTINIQUE, MAYOTTE, REUNION)

# Pays de la Loire's 2026 rate is [?]: 51 € in most sources, 60 € in one. Change it here when known.
PRIX_PAYS_DE_LA_LOIRE_2026 = "51"


@dataclass(frozen=True)
class PrixCheval:
    """The price of one cheval fiscal in a région, in force from a date."""

    region: str
    prix: Decimal  # euros
    depuis: date


def _rows(depuis: date, prices: dict[str, str]) -> tuple[PrixCheval, ...]:
    return tuple(PrixCheval(region, Decimal(prix), depuis) for region, prix in prices.items())


TARIFS: tuple[PrixCheval, ...] = (
    # 2023 (centreauto-jpm.fr [S]), from 1 January [?].
    *_rows(date(2023, 1, 1), {ARA: "43", BFC: "51", BRETAGNE: "51", CVL: "49.80", CORSE: "27", GRAND_EST: "48",
                              HDF: "34.50", IDF: "46.15", NORMANDIE: "35", NOUVELLE_AQUITAINE: "45",
                              OCCITANIE: "44", PDL: "51", PACA: "51.20"}),
    # Hauts-de-France « went from 36,20 € to 42 € » on 1 March 2025 [C]; the start of 36,20 € is unknown [?].
    *_rows(date(2024, 1, 1), {HDF: "36.20"}),
    # 2025 (mesdemarchesadministratives.fr, carlaxie.fr [S]), from 1 January [?] unless dated.
    *_rows(date(2025, 1, 1), {ARA: "44", BRETAGNE: "60", GRAND_EST: "60"}),
    *_rows(date(2025, 2, 1), {REUNION: "57"}),
    *_rows(date(2025, 3, 1), {HDF: "42"}),
    # 2026 (docs/teleservices.md §9.2 [S]), from 1 January [?] unless dated.
    *_rows(date(2026, 1, 1), {ARA: "43", BFC: "60", BRETAGNE: "60", CVL: "60", CORSE: "53", GRAND_EST: "60",
                              HDF: "42", IDF: "54.95", NORMANDIE: "60", NOUVELLE_AQUITAINE: "53",
                              OCCITANIE: "59.50", PDL: PRIX_PAYS_DE_LA_LOIRE_2026, PACA: "60",
                              GUADELOUPE: "41", GUYANE: "42.50", MARTINIQUE: "53", MAYOTTE: "30"}),
    *_rows(date(2026, 2, 1), {REUNION: "60"}),
    *_rows(date(2026, 3, 1), {IDF: "68.95", NOUVELLE_AQUITAINE: "58"}),
    *_rows(date(2026, 4, 1), {HDF: "43"}),
)

# Electric cars: exempt everywhere until 30 April 2025; from 1 May 2025 every région but
# Hauts-de-France applies the regional tax to them (§9.2).
FIN_EXONERATION_ELECTRIQUE = date(2025, 5, 1)
REGIONS_EXONERANT_ELECTRIQUE = frozenset({HDF})


def prix_en_vigueur(region: str, day: date) -> PrixCheval | None:
    """The row of `region` in force on `day`, or None before its first row."""
    rows = [row for row in TARIFS if row.region == region and row.depuis <= day]
    return max(rows, key=lambda row: row.depuis) if rows else None


def departements_tarifes(day: date) -> list[tuple[str, str]]:
    """(code, « 75 - Paris ») of the départements whose région has a rate on `day`."""
    return [(code, f"{code} - {name}") for code, name, region in DEPARTEMENTS if prix_en_vigueur(region, day)]


def electrique_exonere(region: str, day: date) -> bool:
    """Whether an electric car pays no regional tax in `region` on `day`."""
    return day < FIN_EXONERATION_ELECTRIQUE or region in REGIONS_EXONERANT_ELECTRIQUE
