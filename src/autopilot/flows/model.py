"""The flow language: pydantic models of a flow file. No I/O here (see loader.py).

A flow describes one démarche as a list of steps. Example:

```yaml
id: passeport-pre-demande
title: Pré-demande de passeport
category: Passeport
version: 1
domains: [passeport.ants.gouv.fr, ants.gouv.fr]
account: ants
inputs:
  usager: identite
  motif: {type: choice, label: "Motif", options: [premiere_demande, renouvellement]}
outputs:
  numero_predemande: {label: "Numéro de pré-demande"}
steps:
  - title: État civil
    goto: https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport
    expect: {heading: "État civil"}
    fill:
      - {label: "Nom de naissance", value: "{{ usager.nom_naissance }}"}
      - {choose: "Sexe", value: "{{ usager.sexe }}", options: {F: "Féminin", M: "Masculin"}}
    next: {button: "Suivant"}
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from autopilot.flows.template import Template, lookup, parse


class Strict(BaseModel):
    """Every flow model refuses unknown keys, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _template(value: Any) -> Template:
    if isinstance(value, Template):
        return value
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if not isinstance(value, (str, int, float)):
        raise ValueError("texte attendu")
    return parse(str(value))


TemplateField = Annotated[Template, Field(json_schema_extra={"type": "string"})]


# --- Conditions -------------------------------------------------------------------


class Condition(Strict):
    """`when:` — a test on the inputs, never an expression.

    ```yaml
    when: timbre                 # the input is given
    when: {not: timbre}          # the input is absent
    when: {motif: [perte, vol]}  # the input's value is one of these
    when: [{motif: [perte, vol]}, {not: timbre}]   # all of them
    ```
    """

    path: tuple[str, ...]
    values: tuple[str, ...] | None = None
    negate: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"path": tuple(data.strip().split("."))}
        if isinstance(data, dict) and len(data) == 1 and "path" not in data:
            ((key, value),) = data.items()
            if key == "not":
                if not isinstance(value, str):
                    raise ValueError("« not » attend le nom d'une donnée")
                return {"path": tuple(value.split(".")), "negate": True}
            values = value if isinstance(value, list) else [value]
            return {"path": tuple(str(key).split(".")), "values": tuple(str(v) for v in values)}
        if isinstance(data, dict) and "path" in data:
            return data
        raise ValueError("condition attendue : un nom de donnée, {not: nom} ou {nom: [valeurs]}")

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _all_of(value: Any) -> Any:
    return value if isinstance(value, (list, tuple)) else [value]


When = Annotated[tuple[Condition, ...], BeforeValidator(_all_of)]
"""One condition or a list of conditions that must all hold."""


def holds(conditions: tuple[Condition, ...], values: Mapping[str, Any]) -> bool:
    """Whether every condition holds for the citizen's data."""
    return all(_holds(condition, values) for condition in conditions)


def _holds(condition: Condition, values: Mapping[str, Any]) -> bool:
    value = lookup(values, condition.path)
    if condition.values is not None:
        result = value is not None and str(value) in condition.values
    else:
        result = value not in (None, "", False)
    return result != condition.negate


# --- Targets and page checks ------------------------------------------------------


class Expect(Strict):
    """Checks that the page is the expected one before anything is filled."""

    heading: str | None = None
    url: str | None = None  # a path prefix, e.g. /demarches-en-ligne/pre-demande-passeport/etat-civil
    text: str | None = None

    @model_validator(mode="after")
    def _one_check(self) -> Expect:
        if not (self.heading or self.url or self.text):
            raise ValueError("« expect » demande au moins heading, url ou text")
        return self


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


# --- Field actions (a discriminated union keyed by the action's own key) ----------


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

    _value = field_validator("value", mode="before")(lambda cls, v: None if v is None else _template(v))

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

    _value = field_validator("value", mode="before")(lambda cls, v: _template(v))

    @property
    def target(self) -> str:
        return self.choose


class Check(_FieldAction):
    """Tick (or untick) a checkbox found by its label: `{check: "Je certifie…"}`."""

    kind: ClassVar[str] = "check"  # the engine's table of kinds (engine/actions.py)

    check: str
    value: TemplateField = Field(default_factory=lambda: parse("oui"))

    _value = field_validator("value", mode="before")(lambda cls, v: _template(v))

    @property
    def target(self) -> str:
        return self.check


class Upload(_FieldAction):
    """Attach a file to an upload field: `{upload: "Justificatif de domicile", file: "{{ justificatif }}"}`."""

    kind: ClassVar[str] = "upload"  # the engine's table of kinds (engine/actions.py)

    upload: str
    file: TemplateField

    _file = field_validator("file", mode="before")(lambda cls, v: _template(v))

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


# --- Manual steps and extraction ---------------------------------------------------


class Until(Strict):
    """When a manual step is over: a URL path reached, or an element/text visible."""

    url: str | None = None
    heading: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Until:
        if not (self.url or self.heading or self.text):
            raise ValueError("« until » demande url, heading ou text")
        return self


class Manual(Strict):
    """Something only a human can do (a code received by e-mail, a captcha, a payment).

    `{instruction: "Saisissez le code reçu dans la boîte mail de la mairie.", until: {url: /monespace/}}`

    `by: usager` hands the keyboard to the citizen for their own secret (their FranceConnect login):
    the panel says so and shows no field, and the run looks at the page only once it is back on
    the flow's own sites, to see whether `until` (required then) holds.
    """

    instruction: str
    until: Until | None = None
    by: Literal["mediateur", "usager"] = "mediateur"


class Extract(Strict):
    """Where to read an output on the page: the text that follows a label."""

    after_text: str | None = None
    label: str | None = None  # the value of a field

    @model_validator(mode="after")
    def _one(self) -> Extract:
        if (self.after_text is None) == (self.label is None):
            raise ValueError("indiquez soit « after_text », soit « label »")
        return self


class Download(Strict):
    """A file the site gives (a certificate, a receipt) kept as an output of the démarche.

    The runner clicks the button or link once the step's page is settled, waits for the file
    the site sends, saves it in the visit's folder under `name`, and lists it at the end with
    the other results; the output's value is that file name. Nothing is sent to the site.

    ```yaml
    outputs:
      certificat: {label: "Certificat de situation administrative", journal: false}
    steps:
      - title: Rapport
        expect: {heading: "Rapport de votre véhicule"}
        download: {button: "Imprimer le CSA", output: certificat, name: "certificat-situation-administrative.pdf"}
    ```
    """

    button: str | None = None
    link: str | None = None
    output: str
    name: str = Field(pattern=r"^[^/\\:*?\"<>|]+\.[A-Za-z0-9]{1,5}$")  # a file name with its extension, no folder

    @model_validator(mode="after")
    def _one_target(self) -> Download:
        if (self.button is None) == (self.link is None):
            raise ValueError("indiquez soit « button », soit « link »")
        return self

    @property
    def click(self) -> Click:
        """The button or link that gives the file."""
        return Click(button=self.button, link=self.link)


# --- Steps, inputs, flows ----------------------------------------------------------


class Step(Strict):
    """One page of the démarche: check it, fill it, have it approved, act."""

    title: str
    when: When = ()
    optional: bool = False  # the step applies only if the page shows its `expect` (a code asked on a new browser)
    goto: str | None = None
    expect: Expect | None = None
    fill: tuple[FieldAction, ...] = ()
    manual: Manual | None = None
    gate: Literal["submit", "payment"] | None = None
    next: Click | None = None
    extract: dict[str, Extract] = Field(default_factory=dict)
    download: Download | None = None  # a file the site gives, kept as an output (after extract, before next)


class InputSpec(Strict):
    """A declared input: a citizen-data model (`identite`) or a scalar type.

    `required` is true (the default), false, or the conditions under which the input is needed,
    in the syntax of `when:` (`required: {motif: [vol]}`: only for a theft). `when:` says when the
    input applies at all (otherwise it is not asked, and ignored): `{when: {motif: [changement_etat_civil]},
    required: false}` is an optional input that only that motif asks for.

    `required_fields` lists the fields of a model that this démarche's site requires although the
    model leaves them optional, so that the form asks what the site will ask:

    ```yaml
    usager: {type: identite, label: Identité, required_fields: [taille, couleur_yeux]}
    ```
    """

    type: str
    label: str | None = None
    hint: str | None = None
    required: bool | When = True
    when: When = ()
    options: tuple[str, ...] | None = None
    via: str | None = None  # the id of a démarche that gives this input (buy the timbre first)
    required_fields: tuple[str, ...] = ()

    @field_validator("options", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # `options: [17, 25]` lists amounts: YAML reads them as numbers, they are compared as text
        if isinstance(value, list):
            return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
        return value

    @property
    def always_required(self) -> bool:
        return self.required is True

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The conditions of a conditional requirement (none for true or false)."""
        return self.required if isinstance(self.required, tuple) else ()

    def required_for(self, values: Mapping[str, Any]) -> bool:
        """Whether this input is needed, given the other inputs' values."""
        if not self.applies(values):
            return False
        return holds(self.required, values) if isinstance(self.required, tuple) else self.required

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether this input is asked at all, given the other inputs' values (`when:`)."""
        return holds(self.when, values)

    @property
    def shown_when(self) -> tuple[Condition, ...]:
        """The conditions under which a form shows this input: `when:`, else those of `required:`."""
        return self.when or self.conditions

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data


class OutputSpec(Strict):
    """A result the site gives (`numero_predemande`); with a scalar `type`, an input of that type
    that names this démarche (`via:`) gets it, later in the same visit, without retyping. The journal keeps the
    references (`refs`) only: a result about the person (`journal: false`) is shown, never kept."""

    label: str
    type: str | None = None
    journal: bool = True  # false: shown to the mediator, never kept (a points balance, an exam result)


class Flow(Strict):
    """A whole démarche."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    category: str
    summary: str | None = None
    bring: tuple[str, ...] = ()  # documents the citizen must bring
    version: int = Field(ge=1)
    domains: tuple[str, ...] = Field(min_length=1)
    account: str | None = None
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    outputs: dict[str, OutputSpec] = Field(default_factory=dict)
    logged_in: Expect | None = None  # account flows only: how to tell the session is open
    logout: Click | None = None  # account flows only: what ends the session
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _downloads_are_outputs(self) -> Flow:
        for step in self.steps:
            if step.download is not None and step.download.output not in self.outputs:
                raise ValueError(f"étape « {step.title} » : « download.output: {step.download.output} » n'est pas"
                                 " déclaré dans « outputs »")
        return self

    def allows_host(self, host: str) -> bool:
        """True when `host` is one of the declared domains (`*.x` covers subdomains of x)."""
        host = host.lower()
        for domain in self.domains:
            if domain.startswith("*."):
                if host.endswith(domain[1:]) or host == domain[2:]:
                    return True
            elif host == domain:
                return True
        return False
