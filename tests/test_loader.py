"""The flow loader: the library loads; each malformed flow gets its exact message."""

from __future__ import annotations

import pytest

from autopilot.errors import FlowError
from autopilot.flows import Library, parse_flow
from autopilot.flows.fill import Check, Choose, FillText
from autopilot.flows.library import default_flows_dir

VALID = """\
id: essai
title: Essai
category: Passeport
version: 1
domains: [passeport.ants.gouv.fr]
inputs:
  usager: identite
  motif: {type: choice, options: [premiere_demande, perte]}
  timbre: {type: numero_timbre, required: false}
outputs:
  numero: {label: "Numéro"}
steps:
  - title: État civil
    goto: https://passeport.ants.gouv.fr/etat-civil
    expect: {heading: "État civil"}
    fill:
      - {label: "Nom de naissance", value: "{{ usager.nom_naissance | majuscules }}"}
      - {choose: "Motif", value: "{{ motif }}", options: {premiere_demande: "Première demande", perte: "Perte"}}
    next: {button: "Suivant"}
  - title: Fin
    when: timbre
    expect: {heading: "Fin"}
    extract:
      numero: {after_text: "Numéro"}
"""


def variant(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new)


def test_the_library_loads():
    library = Library.load()
    assert {e.flow.id for e in library.demarches} >= {"passeport-pre-demande"}
    assert [e.flow.id for e in library.accounts] == ["compte-ants"]


def test_a_valid_flow_parses_into_typed_steps():
    flow = parse_flow(VALID, "essai.yaml")
    fill = flow.steps[0].fill
    assert isinstance(fill[0], FillText) and isinstance(fill[1], Choose)
    assert fill[0].value.render({"usager": {"nom_naissance": "Lefèvre"}}) == "LEFÈVRE"
    assert [c.path for c in flow.steps[1].when] == [("timbre",)]


INVALID = [
    pytest.param(
        "id: essai\ntitle: [unclosed\n",
        "essai.yaml:2: « title » : YAML invalide : liste ouverte par « [ » et jamais refermée, ou virgule manquante",
        id="yaml-syntax",
    ),
    pytest.param(
        "",
        "essai.yaml:1: le fichier est vide",
        id="empty-file",
    ),
    pytest.param(
        variant("version: 1\n", "version: 1\nversoin: 2\n"),
        "essai.yaml:5: clé inconnue « versoin »",
        id="unknown-top-key",
    ),
    pytest.param(
        variant("    expect: {heading: \"État civil\"}\n", "    expect: {heading: \"État civil\"}\n    wait: 3\n"),
        "essai.yaml:16: étape 1 « État civil » : clé inconnue « wait »",
        id="unknown-step-key",
    ),
    pytest.param(
        variant('{label: "Nom de naissance", value:', '{type: "Nom de naissance", value:'),
        "essai.yaml:17: étape 1 « État civil » : « fill », élément 1 : action inconnue",
        id="unknown-action",
    ),
    pytest.param(
        variant('{label: "Nom de naissance", value: "{{ usager.nom_naissance | majuscules }}"}', '{label: "Nom de naissance"}'),
        "essai.yaml:17: étape 1 « État civil » : champ « Nom de naissance » : indiquez soit « value », soit « secret » (pas les deux)",
        id="fill-without-value",
    ),
    pytest.param(
        variant("  - title: Fin\n", "  - titre: Fin\n"),
        "essai.yaml:20: étape 2 : clé « title » manquante\nessai.yaml:20: étape 2 : clé inconnue « titre »",
        id="missing-title",
    ),
    pytest.param(
        variant("usager.nom_naissance | majuscules", "usager.nom_naissance | capitalize"),
        "essai.yaml:17: étape 1 « État civil » : champ « Nom de naissance » : « value » : filtre inconnu « capitalize » ; filtres possibles :"
        " aaaa_mm_jj, annee, chiffres, jj_mm_aaaa, jour, majuscules, minuscules, mois, premier, sans_accents,"
        " sans_espaces, tiers_1, tiers_2, tiers_3",
        id="unknown-filter",
    ),
    pytest.param(
        variant("usager.nom_naissance | majuscules", "usager.nom_naissance.__class__"),
        "essai.yaml:17: étape 1 « État civil » : champ « Nom de naissance » : « value » : « {{ usager.nom_naissance.__class__ }} » : seul un nom"
        " de donnée est permis (ex. usager.nom_naissance), sans expression ni appel",
        id="expression-in-template",
    ),
    pytest.param(
        variant("{{ usager.nom_naissance | majuscules }}", "{{ citoyen.nom }}"),
        "essai.yaml:17: étape 1 « État civil » : champ « Nom de naissance » : donnée « citoyen.nom » non déclarée",
        id="undeclared-input",
    ),
    pytest.param(
        variant("{{ usager.nom_naissance | majuscules }}", "{{ usager.nom_naisance }}"),
        "essai.yaml:17: étape 1 « État civil » : champ « Nom de naissance » : « usager.nom_naisance » : le modèle « identite » n'a pas ce champ",
        id="unknown-model-field",
    ),
    pytest.param(
        variant("goto: https://passeport.ants.gouv.fr/etat-civil", "goto: https://phishing.example.com/etat-civil"),
        "essai.yaml:14: étape 1 « État civil » : le domaine « phishing.example.com » n'est pas déclaré",
        id="undeclared-domain",
    ),
    pytest.param(
        variant("goto: https://passeport.ants.gouv.fr/etat-civil", "goto: http://passeport.ants.gouv.fr/etat-civil"),
        "essai.yaml:14: étape 1 « État civil » : adresse invalide « http://passeport.ants.gouv.fr/etat-civil »",
        id="not-https",
    ),
    pytest.param(
        variant("{heading: \"Fin\"}\n", "{heading: \"Fin\"}\n    gate: envoyer\n"),
        "essai.yaml:23: étape 2 « Fin » : « gate » : valeur « envoyer » non permise ; valeurs possibles :"
        " 'submit' or 'payment'",
        id="bad-gate",
    ),
    pytest.param(
        variant("{heading: \"Fin\"}\n", "{heading: \"Fin\"}\n    gate: submit\n"),
        "essai.yaml:23: étape 2 « Fin » : une étape « gate: submit » doit dire quel bouton envoie (« next »)",
        id="submit-gate-without-click",
    ),
    pytest.param(
        variant("      numero: {after_text: \"Numéro\"}", "      numero_dossier: {after_text: \"Numéro\"}"),
        "essai.yaml:24: étape 2 « Fin » : sortie « numero_dossier » non déclarée",
        id="undeclared-output",
    ),
    pytest.param(
        variant('{label: "Nom de naissance", value: "{{ usager.nom_naissance | majuscules }}"}',
                '{label: "Mot de passe", value: "hunter2"}'),
        "essai.yaml:17: étape 1 « État civil » : champ « Mot de passe » : « Mot de passe » est un secret : il ne peut pas être écrit dans un flow",
        id="literal-password",
    ),
    pytest.param(
        variant('{label: "Nom de naissance", value: "{{ usager.nom_naissance | majuscules }}"}',
                '{label: "Mot de passe", secret: impots.mot_de_passe}'),
        "essai.yaml:17: étape 1 « État civil » : champ « Mot de passe » : secret « impots.mot_de_passe » : ce flow ne déclare pas de compte"
        " (« account »)",
        id="secret-of-another-account",
    ),
    pytest.param(
        variant("perte: \"Perte\"}", "}"),
        "essai.yaml:18: étape 1 « État civil » : champ « Motif » : l'option « perte » de « motif » n'a pas de texte à choisir sur la page",
        id="choice-option-without-text",
    ),
    pytest.param(
        variant("    when: timbre\n", "    when: {motif: vol}\n"),
        "essai.yaml:21: étape 2 « Fin » : valeur « vol » absente des options de « motif »",
        id="condition-on-unknown-option",
    ),
    pytest.param(
        variant("  timbre: {type: numero_timbre, required: false}", "  timbre: {type: timbre_fiscal}"),
        "essai.yaml:9: type de donnée inconnu « timbre_fiscal »",
        id="unknown-input-type",
    ),
    pytest.param(
        variant("  timbre: {type: numero_timbre, required: false}", "  timbre: {type: numero_timbre, required: {motif: vol}}"),
        "essai.yaml:9: valeur « vol » absente des options de « motif »",
        id="conditional-requirement-on-unknown-option",
    ),
    pytest.param(
        variant("  timbre: {type: numero_timbre, required: false}", "  timbre: {type: numero_timbre, when: usagé}"),
        "essai.yaml:9: donnée « usagé » non déclarée",
        id="input-when-on-undeclared-input",
    ),
    pytest.param(
        variant("  timbre: {type: numero_timbre, required: false}", "  timbre: {type: numero_timbre, options: [a]}"),
        "essai.yaml:9: « options » n'a de sens que pour un choix (type: choice) ou un montant",
        id="options-on-a-number",
    ),
    pytest.param(
        variant("  timbre: {type: numero_timbre, required: false}", "  timbre: {type: montant, options: [86, gratuit]}"),
        "essai.yaml:9: option « gratuit » : ce n'est pas un montant valide",
        id="montant-option-not-an-amount",
    ),
    pytest.param(
        variant("  numero: {label: \"Numéro\"}", "  numero: {label: \"Numéro\", type: timbre}"),
        "essai.yaml:11: type de sortie inconnu « timbre »",
        id="unknown-output-type",
    ),
    pytest.param(
        variant("id: essai", "id: Essai Passeport"),
        "essai.yaml:1: identifiant invalide",
        id="bad-id",
    ),
    pytest.param(
        variant("  - title: Fin\n", "  - title: État civil\n"),
        "essai.yaml:20: étape 2 « État civil » : titre d'étape « État civil » déjà utilisé",
        id="duplicate-step-title",
    ),
    pytest.param(
        variant("    goto: https://passeport.ants.gouv.fr/etat-civil\n", ""),
        "essai.yaml:13: étape 1 « État civil » : la première étape doit ouvrir une page (« goto »)",
        id="first-step-without-goto",
    ),
    pytest.param(
        variant('    expect: {heading: "Fin"}\n',
                '    expect: {heading: "Fin"}\n    manual: {by: usager, instruction: "L\'usager se connecte."}\n'),
        "essai.yaml:23: étape 2 « Fin » : une étape manuelle de l'usager doit dire quelle page la termine (« until »)",
        id="citizen-manual-step-without-until",
    ),
    pytest.param(
        variant("version: 1\n", "version: 1\nversion: 2\n"),
        "essai.yaml:5: clé « version » répétée",
        id="duplicate-key",
    ),
]


@pytest.mark.parametrize("text, message", INVALID)
def test_each_malformed_flow_gets_its_exact_message(text, message):
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "essai.yaml")
    assert caught.value.message == message


def test_errors_come_with_a_hint():
    with pytest.raises(FlowError) as caught:
        parse_flow(variant("{{ usager.nom_naissance | majuscules }}", "{{ citoyen.nom }}"), "essai.yaml")
    assert caught.value.hint == "Déclarez « citoyen » dans « inputs » ; données déclarées : usager, motif, timbre."


def test_check_action_defaults_to_ticking():
    flow = parse_flow(variant('{label: "Nom de naissance", value: "{{ usager.nom_naissance | majuscules }}"}',
                              '{check: "Je certifie"}'), "essai.yaml")
    action = flow.steps[0].fill[0]
    assert isinstance(action, Check) and action.value.render({}) == "oui"


def test_the_library_reports_every_broken_file(tmp_path):
    (tmp_path / "a.yaml").write_text(variant("id: essai", "id: a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(variant("id: essai", "id: a"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        Library.load(tmp_path)
    text = caught.value.message
    assert "c.yaml:2: YAML invalide" in text
    assert "b.yaml:1: identifiant « a » déjà pris par" in text and text.rstrip().endswith("a.yaml")


def _demarches(library: Library) -> set[str]:
    return {entry.flow.id for entry in library.demarches}


def test_one_demarche_loads_with_its_accounts_and_the_demarches_its_inputs_come_via():
    library = Library.load(only="passeport-pre-demande")
    # the timbre: the pré-demande's input `timbre` names `via: timbre-passeport`
    assert _demarches(library) == {"passeport-pre-demande", "timbre-passeport"}
    assert [entry.flow.id for entry in library.accounts] == ["compte-ants"]
    assert library.find("passeport-pre-demande").flow == Library.load().find("passeport-pre-demande").flow


def test_one_demarche_given_by_its_file_is_that_entry_of_the_library(tmp_path):
    """`autopilot run flows/…/x.yaml`: the library's own entry, whose file has the fingerprints beside it."""
    path = default_flows_dir() / "passeport/pre-demande.yaml"
    library = Library.load(only=str(path))
    assert _demarches(library) == {"passeport-pre-demande", "timbre-passeport"}
    assert library.find(str(path)) is library.find("passeport-pre-demande")
    elsewhere = tmp_path / "essai.yaml"  # a file outside the folder: loaded with the library's trust
    elsewhere.write_text(VALID, encoding="utf-8")
    assert Library.load(only=str(elsewhere)).find(str(elsewhere)).path == elsewhere


def test_one_demarche_is_not_stopped_by_another_broken_file_which_the_whole_library_reports(tmp_path):
    (tmp_path / "essai.yaml").write_text(VALID, encoding="utf-8")
    broken = variant("id: essai", "id: brouillon").replace('{label: "Nom', '{lable: "Nom')
    (tmp_path / "brouillon.yaml").write_text(broken, encoding="utf-8")
    assert _demarches(Library.load(tmp_path, only="essai")) == {"essai"}
    with pytest.raises(FlowError, match=r"brouillon\.yaml"):
        Library.load(tmp_path)


@pytest.mark.parametrize("written", [
    lambda text: text.replace("id: essai", '"id": essai'),  # a quoted key
    lambda text: "".join("  " + line for line in text.splitlines(keepends=True)),  # indented: top level all the same
], ids=["quoted-key", "indented"])
def test_a_file_whose_id_is_not_plainly_said_is_loaded_to_know_it(tmp_path, written):
    (tmp_path / "essai.yaml").write_text(written(VALID), encoding="utf-8")
    (tmp_path / "autre.yaml").write_text(variant("id: essai", "id: autre"), encoding="utf-8")
    assert _demarches(Library.load(tmp_path, only="essai")) == {"essai"}


def test_a_file_saying_two_ids_is_loaded_and_its_problem_said(tmp_path):
    (tmp_path / "essai.yaml").write_text("id: autre\n" + VALID, encoding="utf-8")
    broken = variant("id: essai", "id: brouillon").replace('{label: "Nom', '{lable: "Nom')
    (tmp_path / "brouillon.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(FlowError, match=r"essai\.yaml:.*clé « id » répétée") as caught:
        Library.load(tmp_path, only="essai")
    assert "brouillon" not in caught.value.message  # found among the files that may hold it, not in the whole library


def test_one_demarche_still_finds_its_id_taken_twice(tmp_path):
    (tmp_path / "a.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(variant("title: Essai", "title: Autre essai"), encoding="utf-8")
    with pytest.raises(FlowError, match="identifiant « essai » déjà pris"):
        Library.load(tmp_path, only="essai")


def test_an_unknown_demarche_is_told_with_every_demarche_there_is():
    with pytest.raises(FlowError) as caught:
        Library.load(only="passeport-pre-demandes").find("passeport-pre-demandes")
    assert "cni-pre-demande" in caught.value.hint and "permis-demande" in caught.value.hint


def test_a_demarche_named_via_that_is_nowhere_is_reported(tmp_path):
    (tmp_path / "essai.yaml").write_text(
        variant("timbre: {type: numero_timbre, required: false}",
                "timbre: {type: numero_timbre, required: false, via: timbre-inconnu}"), encoding="utf-8")
    with pytest.raises(FlowError, match="via « timbre-inconnu » : aucune démarche"):
        Library.load(tmp_path, only="essai")


def test_schema_is_json_schema_for_editors():
    from autopilot.flows.model import Flow

    schema = Flow.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "steps" in schema["required"]


def test_several_conditions_must_all_hold():
    from autopilot.engine.runner import holds

    flow = parse_flow(variant("    when: timbre\n", "    when: [{motif: perte}, {not: timbre}]\n"), "essai.yaml")
    when = flow.steps[1].when
    assert holds(when, {"motif": "perte", "timbre": None})
    assert not holds(when, {"motif": "perte", "timbre": "1234567890123456"})
    assert not holds(when, {"motif": "premiere_demande", "timbre": None})


def test_a_list_item_of_the_wrong_type_is_named_by_its_position():
    text = variant("version: 1\n", "version: 1\nbring:\n  - Justificatif de domicile\n  - En cas de perte : la déclaration\n")
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "essai.yaml")
    assert caught.value.message == "essai.yaml:7: « bring », élément 2 : texte attendu"
