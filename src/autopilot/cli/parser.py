"""The command line: what `autopilot` accepts (parsing only; execution is elsewhere)."""

from __future__ import annotations

import argparse
import re

from autopilot import __version__

# argparse's own messages, in the words a French user reads (its gettext catalogue has no French).
_MESSAGES = (
    (r"argument (?P<arg>.+?): invalid choice: '(?P<value>.*)' \(choose from (?P<choices>.*)\)",
     "{arg} : « {value} » n'est pas un choix possible (choix : {choices})"),
    (r"argument (?P<arg>.+?): invalid (?P<kind>\w+) value: '(?P<value>.*)'",
     "{arg} : « {value} » n'est pas une valeur correcte"),
    (r"argument (?P<arg>.+?): expected one argument", "{arg} attend une valeur"),
    (r"argument (?P<arg>.+?): not allowed with argument (?P<other>.+)", "{arg} ne peut pas être utilisé avec {other}"),
    (r"the following arguments are required: (?P<args>.+)", "il manque : {args}"),
    (r"one of the arguments (?P<args>.+) is required", "indiquez l'un de : {args}"),
    (r"unrecognized arguments: (?P<args>.+)", "arguments inconnus : {args}"),
    (r"ambiguous option: (?P<arg>\S+) could match (?P<options>.+)", "option ambiguë : {arg} (possibles : {options})"),
)


def french(message: str) -> str:
    """argparse's English error message in French (unknown messages are kept as they are)."""
    for pattern, words in _MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            return words.format(**found.groupdict())
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with French messages and our exit status for usage errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "add_help": False, "formatter_class": _Formatter})
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide")

    def error(self, message: str) -> None:  # type: ignore[override]
        from autopilot.errors import UsageError

        raise UsageError(f"commande incorrecte : {french(message)}", f"Voir `{self.prog} --help`.")


def _browser_options(parser: argparse.ArgumentParser, *, headless: bool = True) -> None:
    if headless:
        parser.add_argument("--headless", action="store_true", help="navigateur sans fenêtre")
    parser.add_argument(
        "--remote-debugging-port", type=int, metavar="N",
        help="permet aux aides techniques et aux tests de se brancher sur le navigateur (protocole DevTools)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full `autopilot` command line."""
    parser = _Parser(prog="autopilot", description="Assistant du médiateur numérique pour les démarches en ligne.")
    parser.add_argument("--version", action="version", version=f"autopilot {__version__}",
                        help="affiche la version d'autopilot")
    parser.add_argument("--debug", action="store_true", help="affiche le détail technique des erreurs")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMANDE")

    console = commands.add_parser("console", help="la console du médiateur (par défaut, sans commande) : démarches,"
                                  " formulaire de l'usager, visite")
    where = console.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="utiliser le bac à sable intégré au lieu des vrais sites")
    where.add_argument("--sandbox-url", metavar="URL", help="utiliser un bac à sable déjà lancé à cette adresse")
    console.add_argument("--mediateur", metavar="NOM", help="qui est au bureau, parmi les médiateurs enregistrés")
    _browser_options(console)

    demo = commands.add_parser("demo", help="démonstration : pré-demande de passeport sur le bac à sable, usagère fictive")
    _browser_options(demo)
    demo.add_argument("--approve-all", action="store_true", help="valide chaque étape sauf les paiements (bac à sable seulement)")
    demo.add_argument("--mediateur", metavar="NOM", help="qui est au bureau (par défaut : « Formation »)")

    run = commands.add_parser("run", help="faire une démarche")
    run.add_argument("flow", metavar="DEMARCHE", help="identifiant de la démarche (ex. passeport-pre-demande) ou chemin d'un fichier de flow")
    run.add_argument("--data", metavar="FILE.yaml", help="les données de l'usager")
    sandbox = run.add_mutually_exclusive_group()
    sandbox.add_argument("--sandbox", action="store_true", help="utiliser le bac à sable intégré au lieu des vrais sites")
    sandbox.add_argument("--sandbox-url", metavar="URL", help="utiliser un bac à sable déjà lancé à cette adresse")
    run.add_argument("--approve-all", action="store_true", help="valide chaque étape sauf les paiements (bac à sable seulement)")
    run.add_argument("--mediateur", metavar="NOM", help="qui est au bureau, parmi les médiateurs enregistrés")
    run.add_argument("--learn", action="store_true",
                     help="une fois la démarche terminée, écrit les empreintes des champs remplis à côté du flow")
    _browser_options(run)

    record = commands.add_parser("record", help="enregistrer une nouvelle démarche en la faisant dans le navigateur")
    record.add_argument("--url", required=True, metavar="URL", help="l'adresse de la première page de la démarche")
    record.add_argument("--out", required=True, metavar="FILE.yaml", help="le fichier de flow à écrire (nouveau)")
    record.add_argument("--title", metavar="TITRE", help="le titre de la démarche, tel que le médiateur le lira")
    record.add_argument("--examples", action="store_true",
                        help="garde en commentaire les valeurs saisies pendant l'enregistrement (jamais les secrets)")
    where = record.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="sur le bac à sable intégré")
    where.add_argument("--sandbox-url", metavar="URL", help="sur un bac à sable déjà lancé à cette adresse")
    _browser_options(record, headless=False)  # recording is done by a person, in a visible window

    flows = commands.add_parser("flows", help="la bibliothèque des démarches")
    flow_commands = flows.add_subparsers(dest="flows_command", parser_class=_Parser, metavar="ACTION", required=True)
    flow_commands.add_parser("list", help="liste les démarches")
    check = flow_commands.add_parser("check", help="vérifie les fichiers de flow (tous par défaut)")
    check.add_argument("paths", nargs="*", metavar="PATH")
    show = flow_commands.add_parser("show", help="décrit une démarche")
    show.add_argument("flow", metavar="ID")
    schema = flow_commands.add_parser("schema", help="écrit le schéma JSON des flows (pour les éditeurs)")
    schema.add_argument("--out", metavar="FILE", help="écrit dans FICHIER au lieu de la sortie standard")

    repair = flow_commands.add_parser("repair", help="montre et valide un correctif de flow proposé pendant une"
                                      " démarche ; --apply l'applique")
    repair.add_argument("patch", metavar="CORRECTIF.diff")
    repair.add_argument("--apply", action="store_true", help="écrit le flow corrigé (après relecture)")
    learn = flow_commands.add_parser("learn", help="répète une démarche sur le bac à sable et écrit les empreintes"
                                     " de ses champs à côté du flow (pour proposer une réparation)")
    learn.add_argument("flow", metavar="ID")
    where = learn.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="sur le bac à sable intégré")
    where.add_argument("--sandbox-url", metavar="URL", help="sur un bac à sable déjà lancé à cette adresse")

    drift = commands.add_parser("check", help="vérifie que les démarches correspondent encore aux sites, sans rien envoyer")
    drift.add_argument("flows", nargs="*", metavar="DEMARCHE", help="les démarches à vérifier (toutes par défaut)")
    where = drift.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="sur le bac à sable intégré (répète chaque démarche"
                       " jusqu'à sa première validation)")
    where.add_argument("--sandbox-url", metavar="URL", help="sur un bac à sable déjà lancé à cette adresse")
    drift.add_argument("--with-account", action="store_true",
                       help="sur les vrais sites, se connecte au compte de la mairie pour voir les pages qui le demandent")
    drift.add_argument("--json", action="store_true", help="résultat en JSON (pour l'intégration continue)")

    account = commands.add_parser("account", help="les comptes de la mairie (mot de passe dans le trousseau du système)")
    account_commands = account.add_subparsers(dest="account_command", parser_class=_Parser, metavar="ACTION",
                                              required=True)
    set_account = account_commands.add_parser("set", help="enregistre l'identifiant et le mot de passe d'un compte")
    set_account.add_argument("name", metavar="NAME", help="nom du compte, ex. ants")
    set_account.add_argument("--identifiant", help="identifiant du compte (demandé s'il manque)")
    set_account.add_argument("--password-stdin", action="store_true", help="lit le mot de passe sur l'entrée standard")
    account_commands.add_parser("list", help="liste les comptes enregistrés")
    test_account = account_commands.add_parser("test", help="teste la connexion avec les identifiants enregistrés")
    test_account.add_argument("name", metavar="NAME")
    where = test_account.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="sur le bac à sable intégré")
    where.add_argument("--sandbox-url", metavar="URL", help="sur un bac à sable déjà lancé à cette adresse")
    _browser_options(test_account)
    delete_account = account_commands.add_parser("delete", help="supprime un compte de ce poste")
    delete_account.add_argument("name", metavar="NAME")

    mediateur = commands.add_parser("mediateur", help="les médiateurs qui utilisent le compte partagé")
    mediateur_commands = mediateur.add_subparsers(dest="mediateur_command", parser_class=_Parser, metavar="ACTION",
                                                  required=True)
    mediateur_commands.add_parser("list", help="liste les médiateurs")
    for action in ("add", "remove"):
        mediateur_commands.add_parser(action, help={"add": "ajoute un médiateur", "remove": "retire un médiateur"}[action]).add_argument("name", metavar="NOM")

    journal = commands.add_parser("journal", help="le journal des démarches (ajout seul)")
    journal.add_argument("--limit", type=int, default=None, help="nombre d'entrées listées (20 par défaut)")
    journal_commands = journal.add_subparsers(dest="journal_command", parser_class=_Parser, metavar="ACTION")
    listing = journal_commands.add_parser("list", help="les dernières entrées (par défaut)")
    listing.add_argument("--limit", type=int, default=argparse.SUPPRESS, help="nombre d'entrées (20 par défaut)")
    verify = journal_commands.add_parser("verify", help="vérifie que le journal n'a pas été altéré")
    verify.add_argument("--temoin", action="append", default=[], metavar="FICHIER",
                        help="un export mensuel (CSV) dont le témoin est comparé au journal (répétable)")
    export = journal_commands.add_parser("export", help="statistiques du mois en CSV, sans donnée personnelle")
    export.add_argument("--month", required=True, metavar="AAAA-MM")
    export.add_argument("--out", metavar="FICHIER", help="écrit dans FICHIER au lieu de la sortie standard")
    purge = journal_commands.add_parser("purge", help="supprime les entrées plus anciennes que la durée de conservation")
    purge.add_argument("--mediateur", metavar="NOM", help="qui fait la purge")

    serve = commands.add_parser("sandbox", help="lance le bac à sable de formation (répliques locales des sites)")
    serve.add_argument("--port", type=int, default=8765, help="port sur 127.0.0.1 (8765 par défaut)")
    serve.add_argument("--otp", action="store_true", help="demande un code à usage unique sur un nouveau navigateur")
    return parser
