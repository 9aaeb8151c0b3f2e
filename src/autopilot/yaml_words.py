"""libyaml's and PyYAML's problems said in French, for whoever wrote the file.

Both word their errors in English (`did not find expected key`, `month must be in 1..12`); a mediator
who records a flow corrects it by hand and reads these, so none of that text is shown: each known
problem has its French sentence and a hint, any other one a general sentence. Messages come from
libyaml's scanner and parser (the strings of the `_yaml` extension) and PyYAML's composer.
"""

from __future__ import annotations

import yaml

INDENT = "Alignez la ligne avec des espaces sur les clés de même niveau au-dessus d'elle."
MISALIGNED = ("ligne mal alignée sur les précédentes",
              f"{INDENT} Un guillemet resté ouvert plus haut décale aussi les lignes qui suivent.")
QUOTE = 'Un texte qui contient « : », « # » ou commence par un signe se met entre guillemets : value: "Nom : usage".'
TAB = ("tabulation dans l'indentation", "Indentez avec des espaces, jamais avec la touche Tab.")
ESCAPE = ("barre oblique inverse « \\ » inconnue entre guillemets",
          "Entre guillemets doubles, doublez-la (« \\\\ ») ; ou utilisez des guillemets simples.")
SECOND_DOCUMENT = ("le fichier contient une ligne « --- » ou « ... » qui commence un second document",
                   "Un fichier ne contient qu'un flow : retirez cette ligne, ou mettez-la entre guillemets.")
GENERAL = ("écriture incorrecte à cet endroit", f"{INDENT} {QUOTE}")

# problem (libyaml's words) → (French, hint); the ones that depend on their context are in `french`.
PROBLEMS: dict[str, tuple[str, str | None]] = {
    "did not find expected ',' or ']'": ("liste ouverte par « [ » et jamais refermée, ou virgule manquante",
                                         "Refermez la liste par « ] » et séparez ses éléments par « , »."),
    "did not find expected ',' or '}'": ("tableau ouvert par « { » et jamais refermé, ou virgule manquante",
                                         "Refermez le tableau par « } » et séparez ses clés par « , »."),
    "mapping values are not allowed in this context": ("deux-points « : » inattendus", QUOTE),
    "found unexpected ':'": ("deux-points « : » inattendus", QUOTE),
    "could not find expected ':'": ("il manque les deux-points « : » après une clé",
                                    "Écrivez « clé: valeur », ou alignez la ligne sur la précédente."),
    "did not find expected key": MISALIGNED,
    "did not find expected '-' indicator": MISALIGNED,
    "block sequence entries are not allowed in this context": ("élément de liste « - » inattendu ici", INDENT),
    "did not find expected node content": ("une valeur manque, ou un « , », « ] » ou « } » est en trop", QUOTE),
    "found a tab character that violates indentation": TAB,
    "found a tab character where an indentation space is expected": TAB,
    "found unknown escape character": ESCAPE,
    "found invalid Unicode character escape code": ESCAPE,
    "did not find expected hexdecimal number": ESCAPE,
    "but found another document": SECOND_DOCUMENT,
    "did not find expected <document start>": SECOND_DOCUMENT,
    "found unexpected document indicator": ("ligne « --- » ou « ... » au milieu d'un texte entre guillemets",
                                            "Refermez le guillemet avant cette ligne."),
    "found unhashable key": ("une clé ne peut pas être une liste ni un tableau", None),
    "found an indentation indicator equal to 0": ("après « | » ou « > », le chiffre ne peut pas être 0", None),
    "did not find expected comment or line break": ("rien d'autre n'est permis à cet endroit de la ligne", QUOTE),
}

# A value cannot start with these signs unquoted; libyaml's words for each, by context.
SIGNS = {"while scanning an anchor": "&", "while scanning an alias": "*", "while scanning a tag": "!",
         "while parsing a tag": "!", "while parsing a node": "!", "while scanning a directive": "%",
         "while scanning a %YAML directive": "%", "while scanning a %TAG directive": "%"}


def french(error: yaml.MarkedYAMLError, text: str) -> tuple[str, str | None]:
    """The French sentence and hint for one of libyaml's or PyYAML's marked errors."""
    problem, context = error.problem or "", error.context or ""
    if problem == "found unexpected end of stream" and "quoted scalar" in context:
        return "guillemet ouvert ici et jamais refermé", "Refermez le guillemet à la fin du texte."
    if problem == "found unexpected end of stream":
        return "le fichier s'arrête au milieu d'une valeur", None
    if problem == "found character that cannot start any token":
        sign = _char_at(text, error.problem_mark)
        if sign == "\t":
            return TAB
        return f"« {sign} » ne peut pas commencer une valeur", QUOTE
    if context in SIGNS or "constructor for the tag" in problem or "undefined tag" in problem:
        return f"« {SIGNS.get(context, '!')} » ne peut pas commencer une valeur", QUOTE
    if problem == "found undefined alias" or "duplicate anchor" in context:
        return "« * » ou « & » ne peut pas commencer une valeur", QUOTE
    if "directive" in problem:
        return "« % » ne peut pas commencer une ligne", QUOTE
    return PROBLEMS.get(problem, GENERAL)


def unreadable_value(value: str) -> tuple[str, str]:
    """A plain value YAML reads as a date or number that cannot be one (`2024-31-12`)."""
    return (f"« {value} » se lit comme une date ou un nombre, mais n'en est pas un",
            "Une date s'écrit AAAA-MM-JJ ; si c'est un texte, mettez-le entre guillemets.")


def bad_character(character: int) -> tuple[str, str]:
    """A character no YAML file may hold (a control character, a broken encoding)."""
    return f"caractère invisible U+{character:04X} non permis", "Retapez la ligne : un caractère invisible s'y est glissé."


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return "?"
    return lines[mark.line][mark.column]
