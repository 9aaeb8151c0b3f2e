"""Checks a valid-looking flow against the rules pydantic cannot express.

- a flow reads only the inputs it declares (DESIGN §4.6), with the fields its model has;
- it visits only the domains it declares, and declares only the State's domains or those the
  mairie allows (`domains.Trust`); an account flow names its hosts one by one;
- every output is extracted, every extraction declared;
- secrets are references to the flow's account, never literals (DESIGN §4.7), typed only on
  that account's domains (DESIGN §4d);
- an upload takes its file from a `scan` input, never from a path written in the flow (ADR 0006);
- a submit or payment gate has the click or manual step it guards;
- a field `revealed` by earlier actions of its step has some action before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from autopilot.dossier import MODELS, SCALAR_TYPES, DossierError, field_paths, validate_scalar
from autopilot.dossier.catalogue import LISTED_TYPES
from autopilot.flows.conditions import Condition
from autopilot.flows.domains import STATE_DOMAINS, Trust
from autopilot.flows.fill import Choose, FillText, Press, Upload
from autopilot.flows.model import Flow, InputSpec, Step
from autopilot.flows.template import Template
from autopilot.yaml_source import Path

Raise = Callable[..., Exception]

PASSWORD_WORDS = ("mot de passe", "password", "code confidentiel", "cryptogramme", "numéro de carte")


ACCOUNT_INPUT = "compte"
"""Account flows read the account's non-secret settings as `{{ compte.identifiant }}`."""
ACCOUNT_FIELDS = frozenset({"identifiant"})


def check_flow(flow: Flow, problem: Raise, trust: Trust = Trust()) -> None:
    """Raise `problem(path, message, hint)` at the first rule the flow breaks."""
    _check_domains(flow, problem, trust)
    _check_inputs(flow, problem)
    if flow.logged_in is None and flow.logout is not None:
        raise problem(("logout",), "« logout » n'a de sens que dans un flow de compte (avec « logged_in »)")
    titles: set[str] = set()
    extracted: set[str] = set()
    for index, step in enumerate(flow.steps):
        at: Path = ("steps", index)
        if step.title in titles:
            raise problem((*at, "title"), f"titre d'étape « {step.title} » déjà utilisé", "Chaque étape a un titre unique.")
        titles.add(step.title)
        _check_step(flow, step, at, problem, trust, first=index == 0)
        for output in step.extract:
            if output not in flow.outputs:
                raise problem(
                    (*at, "extract", output),
                    f"sortie « {output} » non déclarée",
                    f"Déclarez-la dans « outputs » ; sorties déclarées : {_names(flow.outputs)}.",
                )
            extracted.add(output)
        if step.download is not None:  # a file the site gives is read too (checked in Flow)
            extracted.add(step.download.output)
    for output, spec in flow.outputs.items():
        if output not in extracted:
            raise problem(("outputs", output), f"la sortie « {output} » n'est lue à aucune étape", "Ajoutez un « extract ».")
        if spec.type is not None and (spec.type not in SCALAR_TYPES or spec.type == "choice"):
            raise problem(("outputs", output, "type"), f"type de sortie inconnu « {spec.type} »",
                          "Un type de donnée simple : numero_timbre, numero_dossier, code_cession…")


def _names(mapping: dict) -> str:
    return ", ".join(mapping) or "aucune"


def _check_inputs(flow: Flow, problem: Raise) -> None:
    for name, spec in flow.inputs.items():
        at: Path = ("inputs", name)
        if spec.type not in MODELS and spec.type not in SCALAR_TYPES:
            raise problem(
                at,
                f"type de donnée inconnu « {spec.type} »",
                f"Types possibles : {', '.join(sorted(MODELS))}, {', '.join(sorted(SCALAR_TYPES))}.",
            )
        if spec.type == "choice" and not spec.options:
            raise problem(at, f"la donnée « {name} » est un choix sans « options »")
        if spec.type not in ("choice", *LISTED_TYPES) and spec.options:
            raise problem((*at, "options"), "« options » n'a de sens que pour un choix (type: choice) ou un montant")
        for option in spec.options or () if spec.type in LISTED_TYPES else ():
            try:
                validate_scalar(spec.type, option, label=name)
            except DossierError:
                raise problem((*at, "options"), f"option « {option} » : ce n'est pas un {spec.type} valide") from None
        if spec.via is not None and spec.type in MODELS:
            raise problem((*at, "via"), "« via » ne vaut que pour une donnée simple (un numéro, une date…)")
        if spec.required_fields and spec.type not in MODELS:
            raise problem((*at, "required_fields"), "« required_fields » ne vaut que pour un modèle (identite, adresse…)")
        for field_name in spec.required_fields:
            if field_name not in field_paths(spec.type):
                raise problem((*at, "required_fields"), f"le modèle « {spec.type} » n'a pas de champ « {field_name} »",
                              f"Champs de « {spec.type} » : {', '.join(sorted(field_paths(spec.type)))}.")
        for key, conditions in (("required", spec.conditions), ("when", spec.when)):
            for condition in conditions:
                if condition.path[0] == name:
                    raise problem((*at, key), f"« {name} » ne peut pas dépendre de lui-même")
                _check_condition(flow, condition, (*at, key), problem)


def _check_domains(flow: Flow, problem: Raise, trust: Trust) -> None:
    for index, domain in enumerate(flow.domains):
        at: Path = ("domains", index)
        if domain.startswith("*.") and flow.logged_in is not None:
            raise problem(at, f"« {domain} » : un flow de compte nomme ses domaines un par un, sans « * »",
                          "Le mot de passe du compte n'est saisi que sur ces domaines-là.")
        if not trust.known(domain):
            raise problem(
                at,
                f"le domaine « {domain} » n'est pas un site de l'État ({', '.join(STATE_DOMAINS)})",
                f"Seule la mairie peut ajouter un autre site, dans son fichier de réglages :"
                f" « domaines_autorises: [{domain.removeprefix('*.')}] ».",
            )


def _check_step(flow: Flow, step: Step, at: Path, problem: Raise, trust: Trust, *, first: bool) -> None:
    if first and not step.goto:
        raise problem(at, "la première étape doit ouvrir une page (« goto »)")
    if step.optional and step.expect is None:
        raise problem((*at, "optional"), "une étape « optional » doit dire quelle page elle attend (« expect »)")
    if step.goto:
        host = urlsplit(step.goto).hostname
        if urlsplit(step.goto).scheme != "https" or not host:
            raise problem((*at, "goto"), f"adresse invalide « {step.goto} »", "Une adresse complète en https://.")
        if not flow.allows_host(host):
            raise problem(
                (*at, "goto"),
                f"le domaine « {host} » n'est pas déclaré",
                f"Ajoutez-le à « domains » ; domaines déclarés : {', '.join(flow.domains)}.",
            )
    for condition in step.when:
        _check_condition(flow, condition, (*at, "when"), problem)
    if step.gate == "submit" and step.next is None:
        raise problem((*at, "gate"), "une étape « gate: submit » doit dire quel bouton envoie (« next »)")
    if step.manual is not None and step.manual.by == "usager" and step.manual.until is None:
        raise problem((*at, "manual", "until"),
                      "une étape manuelle de l'usager doit dire quelle page la termine (« until »)",
                      "autopilot reprend seul quand cette page s'affiche, sans rien lire de ce que l'usager tape.")
    if step.gate == "payment" and step.manual is None:
        raise problem(
            (*at, "gate"),
            "une étape « gate: payment » doit être une étape manuelle (« manual »)",
            "Le paiement est toujours saisi par l'usager, jamais par autopilot.",
        )
    for index, action in enumerate(step.fill):
        here: Path = (*at, "fill", index)
        if action.revealed and index == 0:
            raise problem((*here, "revealed"),
                          "« revealed » : aucune action avant ce champ dans l'étape ne peut le faire apparaître",
                          "« revealed: true » marque un champ qui apparaît après une action précédente de la même étape.")
        if isinstance(action, Press) and action.css is not None:
            raise problem((*here, "css"), "« css » d'un clic se donne dans « click » : {click: {css: …}}")
        for condition in action.when:
            _check_condition(flow, condition, (*here, "when"), problem)
        for key, template in _templates(action):
            _check_template(flow, template, (*here, key), problem)
        if isinstance(action, FillText):
            _check_secret(flow, action, here, problem)
            if action.secret is not None:
                _check_secret_domains(flow, step, action.secret, (*here, "secret"), problem, trust)
        if isinstance(action, Upload):
            _check_upload(flow, action, here, problem)
        if isinstance(action, Choose):
            _check_options(flow, action, here, problem)


def _templates(action: object) -> Iterator[tuple[str, Template]]:
    for key in ("value", "file"):
        template = getattr(action, key, None)
        if isinstance(template, Template):
            yield key, template


def _input(flow: Flow, path: tuple[str, ...], at: Path, problem: Raise, *, whole: bool = False) -> InputSpec | None:
    """The declared input `path` reads; `whole` allows naming a model input itself (in conditions)."""
    if flow.logged_in is not None and path[0] == ACCOUNT_INPUT and ACCOUNT_INPUT not in flow.inputs:
        if len(path) != 2 or path[1] not in ACCOUNT_FIELDS:
            raise problem(at, f"« {'.'.join(path)} » : champs du compte : {', '.join(sorted(ACCOUNT_FIELDS))}")
        return None
    spec = flow.inputs.get(path[0])
    if spec is None:
        raise problem(
            at,
            f"donnée « {'.'.join(path)} » non déclarée",
            f"Déclarez « {path[0]} » dans « inputs » ; données déclarées : {_names(flow.inputs)}.",
        )
    if spec.type in MODELS:
        if whole and len(path) == 1:
            return spec
        if len(path) != 2 or path[1] not in field_paths(spec.type):
            raise problem(
                at,
                f"« {'.'.join(path)} » : le modèle « {spec.type} » n'a pas ce champ",
                f"Champs de « {spec.type} » : {', '.join(sorted(field_paths(spec.type)))}.",
            )
    elif len(path) != 1:
        raise problem(at, f"« {'.'.join(path)} » : « {path[0]} » est une donnée simple, sans champs")
    return spec


def _check_template(flow: Flow, template: Template, at: Path, problem: Raise) -> None:
    for placeholder in template.placeholders:
        _input(flow, placeholder.path, at, problem)


def _check_condition(flow: Flow, condition: Condition, at: Path, problem: Raise) -> None:
    spec = _input(flow, condition.path, at, problem, whole=True)
    if spec is not None and condition.values and spec.type == "choice":
        unknown = [v for v in condition.values if v not in (spec.options or ())]
        if unknown:
            raise problem(at, f"valeur « {unknown[0]} » absente des options de « {condition.dotted} »",
                          f"Options : {', '.join(spec.options or ())}.")


def _check_secret(flow: Flow, action: FillText, at: Path, problem: Raise) -> None:
    if action.secret is not None:
        account, _, key = action.secret.partition(".")
        if flow.account is None:
            raise problem((*at, "secret"), f"secret « {action.secret} » : ce flow ne déclare pas de compte (« account »)",
                          "Par exemple secret: ants.mot_de_passe, avec account: ants.")
        if not key or account != flow.account:
            raise problem(
                (*at, "secret"),
                f"secret « {action.secret} » : il doit désigner le compte du flow (« {flow.account}.clé »)",
                "Par exemple secret: ants.mot_de_passe, avec account: ants.",
            )
        return
    if any(word in action.label.lower() for word in PASSWORD_WORDS):
        raise problem(
            (*at, "value"),
            f"« {action.label} » est un secret : il ne peut pas être écrit dans un flow",
            "Utilisez « secret: compte.mot_de_passe » ; la valeur est lue dans le trousseau du système.",
        )


def _check_secret_domains(flow: Flow, step: Step, secret: str, at: Path, problem: Raise, trust: Trust) -> None:
    """The pages this step may be on must all be among the domains of the secret's account."""
    account = secret.partition(".")[0]
    own = flow.domains if flow.logged_in is not None else trust.accounts.get(account)
    if own is None:
        raise problem(at, f"secret « {secret} » : aucun flow de compte « {account} » ne dit sur quels domaines le saisir",
                      f"Il faut le flow du compte : flows/accounts/{account}.yaml.")
    pages = [urlsplit(step.goto).hostname or ""] if step.goto else list(flow.domains)
    for page in pages:
        if page.startswith("*.") or page not in own:  # an account's domains are exact hosts
            raise problem(
                at,
                f"secret « {secret} » : il n'est saisi que sur les domaines du compte « {account} »"
                f" ({', '.join(own)}) ; « {page} » n'en fait pas partie",
                "Un mot de passe ne part que vers les sites de son compte.",
            )


def _check_upload(flow: Flow, action: Upload, at: Path, problem: Raise) -> None:
    """An upload's file is the name of a scan the citizen's data gives, never a path of the PC."""
    parts = action.file.parts
    spec = flow.inputs.get(parts[0].path[0]) if len(parts) == 1 and not isinstance(parts[0], str) else None
    if spec is None or spec.type != "scan" or parts[0].filters:
        raise problem(
            (*at, "file"),
            f"« file » : « {action.file.source} » : le document vient du dossier des numérisations, par une donnée"
            " de type scan, jamais d'un chemin écrit dans le flow",
            "Déclarez par exemple « justificatif: {type: scan} » dans « inputs » et écrivez"
            " file: \"{{ justificatif }}\" (docs/adr/0006-scans-from-the-scanner-folder.md).",
        )


def _check_options(flow: Flow, action: Choose, at: Path, problem: Raise) -> None:
    placeholders = action.value.placeholders
    if action.options is None or len(placeholders) != 1:
        return
    spec = flow.inputs.get(placeholders[0].path[0])
    if spec is not None and spec.type == "choice":
        missing = [o for o in spec.options or () if o not in action.options]
        if missing:
            raise problem(
                (*at, "options"),
                f"l'option « {missing[0]} » de « {placeholders[0].dotted} » n'a pas de texte à choisir sur la page",
                "Ajoutez-la à « options » avec le texte affiché par le site.",
            )
