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
from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from autopilot.flows.conditions import Condition, When, holds
from autopilot.flows.fill import Click, FieldAction
from autopilot.flows.strict import Strict

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
