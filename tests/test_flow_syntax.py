"""A flow file's YAML mistakes are said in French, at their file, line, step and field.

A mediator records flows and corrects them by hand: a stray colon, an unclosed quote or a tab must
read like the flow's other problems, never as libyaml's English nor as an internal error."""

from __future__ import annotations

import re

import pytest

from autopilot.errors import FlowError
from autopilot.flows import parse_flow

FLOW = """\
id: essai
title: Essai
category: Passeport
version: 1
domains: [passeport.ants.gouv.fr]
inputs:
  usager: identite
steps:
  - title: État civil
    goto: https://passeport.ants.gouv.fr/etat-civil
    expect: {heading: "État civil"}
    fill:
      - label: Nom de naissance
        value: "{{ usager.nom_naissance }}"
      - label: Prénoms
        value: "{{ usager.prenoms }}"
    next: {button: "Suivant"}
"""
NOM = '        value: "{{ usager.nom_naissance }}"\n'  # line 14
PRENOMS = "      - label: Prénoms\n"  # line 15
NEXT = '    next: {button: "Suivant"}\n'  # line 17


def variant(old: str, new: str) -> str:
    assert old in FLOW, old
    return FLOW.replace(old, new)


def test_the_flow_itself_is_valid():
    assert parse_flow(FLOW, "essai.yaml").steps[0].title == "État civil"


MISTAKES = [
    pytest.param(
        variant(NEXT, '    next: {button: "Suivant}\n'),
        "essai.yaml:17: étape 1 « État civil » : « button » : YAML invalide : guillemet ouvert ici et jamais refermé",
        "Refermez le guillemet",
        id="unclosed-quote",
    ),
    pytest.param(  # the quote runs on to the next one, two lines below, which YAML reads as its end
        variant(NOM, '        value: "{{ usager.nom_naissance }}\n'),
        "essai.yaml:16: étape 1 « État civil » : champ « Nom de naissance » : "
        "YAML invalide : ligne mal alignée sur les précédentes",
        "Un guillemet resté ouvert plus haut",
        id="quote-left-open-midway",
    ),
    pytest.param(
        variant(PRENOMS, "      - label: Prénoms : usuels\n"),
        "essai.yaml:15: étape 1 « État civil » : champ « Prénoms » : « label » : "
        "YAML invalide : deux-points « : » inattendus",
        "se met entre guillemets",
        id="colon-in-a-value",
    ),
    pytest.param(
        variant(NOM, '       value: "{{ usager.nom_naissance }}"\n'),
        "essai.yaml:14: étape 1 « État civil » : champ « Nom de naissance » : "
        "YAML invalide : ligne mal alignée sur les précédentes",
        "Alignez la ligne avec des espaces",
        id="misaligned-line",
    ),
    pytest.param(
        variant(NOM, '\t\tvalue: "{{ usager.nom_naissance }}"\n'),  # libyaml stops before reading the label
        "essai.yaml:14: étape 1 « État civil » : « fill », élément 1 : "
        "YAML invalide : tabulation dans l'indentation",
        "espaces",
        id="tab",
    ),
    pytest.param(
        variant(NOM, "        value: @mairie\n"),
        "essai.yaml:14: étape 1 « État civil » : champ « Nom de naissance » : « value » : "
        "YAML invalide : « @ » ne peut pas commencer une valeur",
        "entre guillemets",
        id="at-sign",
    ),
    pytest.param(
        variant(NOM, "        value: 2024-31-12\n"),
        "essai.yaml:14: étape 1 « État civil » : champ « Nom de naissance » : « value » : "
        "YAML invalide : « 2024-31-12 » se lit comme une date ou un nombre, mais n'en est pas un",
        "entre guillemets",
        id="impossible-date",
    ),
    pytest.param(
        variant(PRENOMS, "      - label: Pré\x01noms\n"),
        "essai.yaml:15: étape 1 « État civil » : champ « Prénoms » : « label » : "
        "YAML invalide : caractère invisible U+0001 non permis",
        "Retapez",
        id="control-character",
    ),
    pytest.param(
        variant(NEXT, '    next: {button: "Suivant"\n'),
        "essai.yaml:17: étape 1 « État civil » : « button » : "
        "YAML invalide : tableau ouvert par « { » et jamais refermé, ou virgule manquante",
        "« } »",
        id="unclosed-brace",
    ),
]


@pytest.mark.parametrize("text, message, hint", MISTAKES)
def test_a_yaml_mistake_is_named_at_its_step_and_field(text, message, hint):
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "essai.yaml")
    assert caught.value.message == message
    assert hint in caught.value.hint


# libyaml's and PyYAML's own words: none may reach the mediator.
ENGLISH = re.compile(r"\b(found|expected|while|scanning|parsing|not allowed|character that|another document|"
                     r"stream|token|mapping|could not|constructor|anchor|occurrence|unacceptable|invalid|month)\b")

ODD = [
    "a: {b: 1\n", "a: 'abc\nb: 2\n", "a: b: c\n", "a:\n  b: 1\n c: 2\n", "a:\n\tb: 1\n", "a: 1\nb\nc: 2\n",
    "a: 1\n- b\n", "a: `b\n", "a: %b\n", 'a: "\\q"\n', "a: !x!y b\n", "a: 1\n---\nb: 2\n", "a: &\n", "a: *b\n",
    "a: ]\n", "a: [b: c: d]\n", "a: |x\n  b\n", 'a: "b" c\n', "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
    "%FOO\n---\na: 1\n", "a: !<x\n", "a: {- b}\n", "a: 1\n...\nb\n: c\n", "steps:\n  - a: 1\n   - b: 2\n",
    "a: !!int x\n", "a: !!float x\n", "a: !!binary x\n", "a: !!python/object:os.system x\n", "{[1]: 2}\n",
    "a: &x 1\nb: &x 2\n", "a: !!timestamp x\n", "a: !!set [1]\n", "<<: 1\n", "x: !foo y\n", 'a: "\\x4"\n',
    "a: |0\n  b\n", 'a: "b\n---\n"\n', "a: \x7f\n",
]


@pytest.mark.parametrize("text", ODD)
def test_no_english_nor_internal_error_for_any_yaml_mistake(text):
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "essai.yaml")
    said = f"{caught.value.message}\n{caught.value.hint}"
    assert said.startswith("essai.yaml:") and "YAML invalide : " in said, said
    assert not ENGLISH.search(said), said
