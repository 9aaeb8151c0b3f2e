"""A step's `fill:` entries: the field actions, a discriminated union keyed by the action's own key,
and the buttons and links they and `next:` click."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Discriminator, Field, Tag, field_validator, model_validator

from autopilot.flows.conditions import When
from autopilot.flows.strict import Strict, TemplateField, to_template
from autopilot.flows.template import parse


class Click(Strict):
    """A button or link, found by its accessible name (role + name)."""

    button: str | None = None
    link: str | None = None
    css: str | None = None  # recorded fallback only

    @model_validator(mode="after")
    def _exactly_one(self) -> Click:
        given = [k for k in ("button", "link", "css") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("indiquez exactement un de : button, link, css")
        return self

    @property
    def description(self) -> str:
        if self.button:
            return f"bouton « {self.button} »"
        if self.link:
            return f"lien « {self.link} »"
        return f"élément CSS « {self.css} »"


class _FieldAction(Strict):
    """What every field action may add to its target.

    - `when:` the condition on the inputs for the action to apply;
    - `within:` a fieldset legend or region name that scopes the target;
    - `revealed: true`: the field appears only once the actions before it in the same step are
      done (« Autre » reveals « Précisez ») — the runner looks for it then (ADR 0005);
    - `css:` a recorded fallback for a field that has no label; the target's text then only
      names the field in the panel.

    ```yaml
    - {choose: "Situation", value: "{{ situation }}", options: {salarie: Salarié, autre: Autre}}
    - {label: "Précisez votre situation", value: "{{ precision }}", revealed: true, when: {situation: autre}}
    - {label: "Code de parrainage", css: "input[name='code_parrainage']", value: "{{ code_parrainage }}"}
    ```
    """

    when: When = ()
    within: str | None = None  # a fieldset legend or region name that scopes the label
    revealed: bool = False
    css: str | None = None


class FillText(_FieldAction):
    """Type a value into a text field found by its label.

    `{label: "Nom de naissance", value: "{{ usager.nom_naissance }}"}`, or for a password
    `{label: "Mot de passe", secret: ants.mot_de_passe}` — a secret is a reference to the
    OS keyring, never a literal.
    """

    kind: ClassVar[str] = "text"  # the engine's table of kinds (engine/actions.py)

    label: str
    value: TemplateField | None = None
    secret: str | None = None

    _value = field_validator("value", mode="before")(lambda cls, v: None if v is None else to_template(v))

    @model_validator(mode="after")
    def _value_or_secret(self) -> FillText:
        if (self.value is None) == (self.secret is None):
            raise ValueError("indiquez soit « value », soit « secret » (pas les deux)")
        return self

    @property
    def target(self) -> str:
        return self.label


class Choose(_FieldAction):
    """Pick an option of a choice group found by its name, whatever the control (ADR 0011).

    The group is a radio group (by its legend: plain radios, DSFR rich or card radios whose
    0×0 input is drawn by its label, segmented controls), a select (by its label), a tab list
    (`role=tablist`, by its accessible name; the option is a tab's text) or an ARIA radio group.
    The runner clicks the option where a person would and reads the choice back.
    `options` maps the input's values to the texts the page shows:

    ```yaml
    - {choose: "Sexe", value: "{{ usager.sexe }}", options: {F: "Féminin", M: "Masculin"}}
    - {choose: "Sélectionner le type de votre plaque d'immatriculation", value: "{{ format }}",
       options: {siv: "Immatriculation depuis 2009", fni: "Immatriculation avant 2009"}}
    - {choose: "Type de titulaire", value: "{{ titulaire }}",          # a tab list
       options: {particulier: "Particulier", personne_morale: "Personne morale"}, revealed: true}
    ```
    """

    kind: ClassVar[str] = "choose"  # the engine's table of kinds (engine/actions.py)

    choose: str
    value: TemplateField
    options: dict[str, str] | None = None

    _value = field_validator("value", mode="before")(lambda cls, v: to_template(v))

    @property
    def target(self) -> str:
        return self.choose


class Check(_FieldAction):
    """Tick (or untick) a checkbox found by its label: `{check: "Je certifie…"}`."""

    kind: ClassVar[str] = "check"  # the engine's table of kinds (engine/actions.py)

    check: str
    value: TemplateField = Field(default_factory=lambda: parse("oui"))

    _value = field_validator("value", mode="before")(lambda cls, v: to_template(v))

    @property
    def target(self) -> str:
        return self.check


class Upload(_FieldAction):
    """Attach a file to an upload field: `{upload: "Justificatif de domicile", file: "{{ justificatif }}"}`."""

    kind: ClassVar[str] = "upload"  # the engine's table of kinds (engine/actions.py)

    upload: str
    file: TemplateField

    _file = field_validator("file", mode="before")(lambda cls, v: to_template(v))

    @property
    def target(self) -> str:
        return self.upload


class Press(_FieldAction):
    """Click something that does not leave the page (« Ajouter un parent »): `{click: {button: …}}`."""

    kind: ClassVar[str] = "click"  # the engine's table of kinds (engine/actions.py)

    click: Click

    @property
    def target(self) -> str:
        return self.click.description


_ACTION_KEYS = {"label": FillText.kind, "choose": Choose.kind, "check": Check.kind, "upload": Upload.kind, "click": Press.kind}


def _action_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return type(value).kind
    if isinstance(value, dict):
        for key, kind in _ACTION_KEYS.items():
            if key in value:
                return kind
    return None


FieldAction = Annotated[
    Annotated[FillText, Tag("text")] | Annotated[Choose, Tag("choose")] | Annotated[Check, Tag("check")] | Annotated[Upload, Tag("upload")] | Annotated[Press, Tag("click")],
    Discriminator(
        _action_kind,
        custom_error_type="action_inconnue",
        custom_error_message="action inconnue",
        custom_error_context={"keys": "label, choose, check, upload, click"},
    ),
]
