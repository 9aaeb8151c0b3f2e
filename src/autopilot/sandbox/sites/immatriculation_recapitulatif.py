"""The sections a vehicle démarche's récapitulatif lists, from the draft or from the record: the
récapitulatif, the confirmation and the accusé d'enregistrement (`immatriculation_documents`) show
the same rows."""

from __future__ import annotations

from typing import Any

from autopilot.sandbox.sites.immatriculation_champs import LABELS, Pages


def summary(pages: Pages, vehicule: dict[str, Any] | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The récapitulatif's sections: (title, [(label, value)])."""
    d = {k: v for page in pages.values() for k, v in page.items()}
    sections = []
    plate = [("Immatriculation du véhicule", d.get("immatriculation", ""))]
    if vehicule:
        plate.append(("Véhicule", vehicule["vehicule"]))
    if d.get("code_cession"):
        plate.append(("Code de cession", d["code_cession"]))
    if d.get("numero_formule"):
        plate.append(("Numéro de formule", d["numero_formule"]))
    if d.get("date_certificat"):
        plate.append(("Date du certificat d'immatriculation", d["date_certificat"]))
    sections.append(("Véhicule", plate))
    if "type_acquereur" in d:
        sections.append(("Acquéreur", _person_rows(d)))
        sections.append(("Adresse de l'acquéreur", _address_rows(d)))
        sections.append(("Cession", [
            ("Date et heure de cession", f"{d['date_cession']} à {d['heure_cession']}"),
            ("Kilométrage", f"{d['kilometrage']} km"),
            ("Cession pour destruction", LABELS["destruction"].get(d["destruction"], "")),
        ]))
    if "telephone" in d:
        sections.append(("Nouveau titulaire", _person_rows(d) + [
            ("Numéro de téléphone portable", d["telephone"]), ("Adresse électronique", d.get("courriel", ""))]))
    if "nature" in d:
        rows = [("Nature du changement", LABELS["nature"][d["nature"]])]
        rows += [("Nouvelle raison sociale", d["raison_sociale"])] if d["nature"] == "raison_sociale" \
            else _person_rows(d)[:3]
        sections.append(("Changement demandé", rows))
    if "voie" in d and "type_acquereur" not in d:
        title = "Nouvelle adresse" if "choix_adresse" not in d else "Adresse du titulaire"
        rows = _address_rows(d)
        if vehicule and "choix_adresse" not in d:
            rows.insert(0, ("Ancienne adresse", _one_line(vehicule["adresse"])))
        sections.append((title, rows))
    if "qualite" in d:
        documents = [(label, d[name]["nom"]) for name, label in DOCUMENT_LABELS if isinstance(d.get(name), dict)]
        sections.append(("Pièces justificatives", [("Démarche effectuée", LABELS["qualite"][d["qualite"]]),
                                                   *documents]))
    return sections


DOCUMENT_LABELS = (
    ("piece_identite", "Pièce d'identité"),
    ("justificatif_domicile", "Justificatif de domicile"),
    ("cerfa_13750", "Demande de certificat d'immatriculation (Cerfa 13750)"),
    ("certificat_actuel", "Certificat d'immatriculation actuel"),
    ("justificatif", "Justificatif du changement"),
    ("mandat", "Mandat d'immatriculation (Cerfa 13757)"),
    ("piece_identite_titulaire", "Pièce d'identité du titulaire"),
)


def _person_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    if d.get("type_acquereur") == "morale":
        return [("Raison sociale", d["raison_sociale"]), ("Numéro SIRET", d["siret"])]
    return [("Nom de naissance", d.get("nom_naissance", "")), ("Nom d'usage", d.get("nom_usage", "")),
            ("Prénom(s)", d.get("prenoms", "")), ("Sexe", LABELS["sexe"].get(d.get("sexe", ""), "")),
            ("Date de naissance", d.get("date_naissance", "")), ("Commune de naissance", d.get("commune_naissance", ""))]


def _address_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [("Numéro et libellé de la voie", d["voie"]), ("Complément d'adresse", d["complement"]),
            ("Code postal", d["code_postal"]), ("Commune", d["commune"])]


def _one_line(adresse: dict[str, str]) -> str:
    return ", ".join(part for part in (adresse["voie"], adresse.get("complement"),
                                        f"{adresse['code_postal']} {adresse['commune']}") if part)
