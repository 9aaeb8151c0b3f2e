"""A multi-page form as the State's sites build them: pages filled in order, a récapitulatif, a
submission, a confirmation and its documents. A replica declares its pages; `Wizard` serves them.

Declaring one (`sites/predemande.py`, `sites/ants_permis.py` are full examples)::

    MOTIF = WizardPage("motif", "Motif de la demande", fields=("motif",), check=check_motif, path="")
    VOL = WizardPage("vol", "Déclaration de vol", uploads={"declaration_vol": "la déclaration de vol"},
                     applies=lambda pages: motif(pages) == "vol")    # only for a theft
    WIZARD = Wizard(
        kind="permis-demande",            # the record's kind; also names the draft
        host=PERMIS_HOST, start_path="/monespace/demande-permis", titre="Demande de permis de conduire",
        templates="permis",               # page P renders templates/permis/<P.template or P.name>.html
        pages=(MOTIF, VOL, ...),
        recap=WizardPage("recapitulatif", "Récapitulatif", fields=("certification",), check=check_certification),
        submit=record_it,                 # (Submission) -> response: record, then 303 to the confirmation
        owner=current_account, guard=login_required, back=lambda: LICENCE_PATH,
    )
    bp = Blueprint("ants_permis", __name__)
    WIZARD.register(bp)

What it serves, on `host`, under the start path S (every view wears `guard`):

- each page at S + `page.path` ("/" + name by default, "" for the first page). GET shows it with what
  the draft holds (or the page's "prefill"); POST keeps only the page's `fields`, runs its `check`
  (`FormCheck`, with the draft) and receives its `uploads`: errors show the page again (200) with the
  values as typed (the error named `page.alert` as an alert, not a field's); a valid page is kept in
  the draft as checked (the checks may normalise or add values; what `page.save` returns, if it has
  one; a response it returns is sent instead), then 303 to the next page that applies (to the
  récapitulatif with `?retour=recapitulatif`).
  A page asked for before the pages preceding it are done is redirected to the first missing one
  (`page.complete` may say a filled page is no longer done); a page that does not `apply` to the
  draft, to the récapitulatif. Every page has a stepper "Étape n sur N", N counting the pages that apply.
- S + `recap.path` ("/recapitulatif"): the draft's `summary` and the recap's own fields; its form
  carries the draft's jeton, so a form posted twice submits the same pages twice (the
  administration does not de-duplicate); with `jeton` False, it submits the current draft. Valid:
  `interpose` may answer first (it leads to a payment page, which calls `finish` once paid);
  otherwise the draft is closed and `submit` answers.
- S/confirmation/<numero> (`confirmation`) and S/confirmation/<numero><suffix> (`documents`): the
  owner's own record of that numéro (`numero_key`, `record`), else 404. A site serves its own extra
  pages (a purchase, a payment) with `serve`, behind the same guard, reusing `blocked` and `render`;
  a payment hands its own record entries to `finish` as the submission's `extras`.
- `form_guard` wraps the pages and the récapitulatif only, inside `guard`: a login the submission
  ends (the citizen's own FranceConnect, `sites/immatriculation_demarche.py`) must not hide the
  confirmation.

The pages' declarations (`WizardPage`, `Submission`) live in `wizard_pages`. Drafts are kept per
owner (an ANTS account, a visitor's cookie) and kind, in `SandboxState`, so a re-login resumes
where the mediator was. Templates receive `demarche` (the wizard), `page` (and
`step`, the same), `number`, `total` (counting the steps `after` the récapitulatif), `next_title`,
`previous_url`, `titre_demarche` and `step_title` (the titles, as the older step layouts read them),
`values`, `errors`, `alert`, `sent` (what the draft holds of the page), the wizard's `context`, the
page's `context(pages)` and, on the récapitulatif, `jeton`, `editable`, `paths` (page name -> path)
and the `summary(pages)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard_pages import Pages, Submission, WizardPage

__all__ = ["Pages", "Submission", "Wizard", "WizardPage"]  # the pages' declarations live in `wizard_pages`

View = Callable[..., Any]
UPLOAD_MAX = 5 * 1024 * 1024


def _unguarded(view: View) -> View:
    return view


@dataclass(frozen=True, eq=False)
class Wizard:
    """A démarche served page by page (see the module's docstring)."""

    kind: str
    host: str
    start_path: str
    titre: str
    templates: str
    pages: tuple[WizardPage, ...]
    recap: WizardPage
    submit: Callable[[Submission], Any]
    owner: Callable[[], str]
    back: Callable[[], str | None]  # "Précédent" on the first page (None: none)
    guard: Callable[[View], View] = _unguarded
    form_guard: Callable[[View], View] = _unguarded  # the pages' and récapitulatif's only (a login the submission ends)
    summary: Callable[[Pages], dict[str, Any]] = lambda pages: {}
    context: Mapping[str, Any] = field(default_factory=dict)
    interpose: Callable[[Submission], Any | None] | None = None
    numero_key: str = "numero_dossier"
    confirmation: Callable[[dict[str, Any]], Any] | None = None
    documents: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = ()
    endpoint_prefix: str = ""
    jeton: bool = True  # the récapitulatif's form names its draft; False: it submits the owner's current draft
    after: tuple[str, ...] = ()  # the titles of the steps after the récapitulatif (payment...), for the stepper

    # -- paths ----------------------------------------------------------------------------------

    def path(self, page: WizardPage) -> str:
        """Where `page` is served."""
        if page.path is not None:
            return self.start_path + page.path
        return self.start_path if page is self.pages[0] else f"{self.start_path}/{page.name}"

    @property
    def recap_path(self) -> str:
        return self.path(self.recap)

    @property
    def first_path(self) -> str:
        return self.path(self.pages[0])

    def confirmation_path(self, numero: str) -> str:
        return f"{self.start_path}/confirmation/{numero}"

    # -- the draft ------------------------------------------------------------------------------

    def draft(self) -> dict[str, Any]:
        """The owner's draft: `{"jeton", "pages"}` (a copy)."""
        return current_state().draft(self.owner(), self.kind)

    def sequence(self, pages: Pages) -> list[WizardPage]:
        """The pages that apply to this draft, récapitulatif last."""
        return [*(page for page in self.pages if page.applies(pages)), self.recap]

    def done(self, page: WizardPage, pages: Pages) -> bool:
        return bool(pages.get(page.name)) and (page.complete is None or page.complete(pages))

    def blocked(self, page: WizardPage, pages: Pages) -> Response | None:
        """Where to go instead of `page`: a page still to fill, or the récapitulatif for one that does not apply."""
        sequence = self.sequence(pages)
        if page not in sequence:
            return redirect(self.recap_path, 303)
        for earlier in sequence[:sequence.index(page)]:
            if not self.done(earlier, pages):
                return redirect(self.path(earlier), 303)
        return None

    def merged(self, pages: Pages) -> dict[str, Any]:
        """The fields of the pages that apply, in their order."""
        data: dict[str, Any] = {}
        for page in self.sequence(pages):
            data.update(pages.get(page.name, {}))
        return data

    # -- rendering ------------------------------------------------------------------------------

    def render(self, page: WizardPage, pages: Pages, *, values: Mapping[str, Any] | None = None,
               errors: Mapping[str, str] | None = None, template: str | None = None,
               previous_url: str | None = None, **extra: Any) -> str:
        """`page` (or another `template` in its place in the stepper) with the wizard's context."""
        sequence = self.sequence(pages)
        index = sequence.index(page)
        titles = [step.title for step in sequence] + list(self.after)
        if previous_url is None:
            previous_url = self.path(sequence[index - 1]) if index else self.back()
        context = page.context(pages) if page.context else {}
        context.pop("prefill", None)
        errors = dict(errors or {})
        alert = errors.pop(page.alert, None) if page.alert else None
        return render_template(
            f"{self.templates}/{template or page.template or page.name}.html",
            demarche=self, page=page, step=page, number=index + 1, total=len(titles),
            next_title=titles[index + 1] if index + 1 < len(titles) else None,
            titre_demarche=self.titre, step_title=page.title, previous_url=previous_url, values=values or {}, errors=errors, alert=alert, sent=pages.get(page.name, {}),
            **{**self.context, **context, **extra},
        )

    def _render_recap(self, pages: Pages, **extra: Any) -> str:
        paths = {page.name: self.path(page) for page in self.sequence(pages)}
        return self.render(self.recap, pages, editable=True, paths=paths, **self.summary(pages), **extra)

    # -- routes ---------------------------------------------------------------------------------

    def register(self, bp: Blueprint) -> None:
        """Serve the wizard's pages, récapitulatif, confirmation and documents from `bp`."""
        for page in self.pages:
            self.serve(bp, self.path(page), page.name, self.form_guard(self._page_view(page)), methods=("GET", "POST"))
        self.serve(bp, self.recap_path, self.recap.name, self.form_guard(self._recap_view), methods=("GET", "POST"))
        confirmation = self.confirmation_path("<numero>")
        if self.confirmation:
            self.serve(bp, confirmation, "confirmation", self._record_view(self.confirmation))
        for suffix, document in self.documents:
            endpoint = "document_" + re.sub(r"\W", "_", suffix.strip("/"))
            self.serve(bp, confirmation + suffix, endpoint, self._record_view(document))

    def serve(self, bp: Blueprint, path: str, endpoint: str, view: View, *,
              methods: tuple[str, ...] = ("GET",)) -> None:
        """Serve `view` at `path` on the wizard's host, behind its guard (for a site's own extra pages)."""
        bp.add_url_rule(path, self.endpoint_prefix + endpoint, self.guard(view), methods=list(methods),
                        host=self.host)

    def _page_view(self, page: WizardPage) -> View:
        def view() -> Any:
            state, owner = current_state(), self.owner()
            pages = state.draft(owner, self.kind)["pages"]
            blocked = self.blocked(page, pages)
            if blocked:
                return blocked
            if request.method == "GET":
                prefill = (page.context(pages) if page.context else {}).get("prefill", {})
                return self.render(page, pages, values=pages.get(page.name) or prefill)
            values = {name: request.form[name] for name in page.fields if name in request.form}
            check = FormCheck(dict(values), today=state.today())  # a check may normalise or add values
            page.check(check, pages)
            files = self._receive_uploads(check, page, pages.get(page.name, {}))
            if check.errors:  # shown again as typed
                return self.render(page, pages, values=values, errors=check.errors)
            kept = page.save(check.values, pages) if page.save else check.values
            if isinstance(kept, Response):
                return kept
            state.save_page(owner, self.kind, page.name, {**kept, **files})
            sequence = self.sequence(state.draft(owner, self.kind)["pages"])
            following = self.recap if request.args.get("retour") == "recapitulatif" else \
                sequence[sequence.index(page) + 1]
            return redirect(self.path(following), 303)

        return view

    def _receive_uploads(self, c: FormCheck, page: WizardPage, kept: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The page's files as recorded; a field posted empty keeps the file the draft holds."""
        received: dict[str, dict[str, Any]] = {}
        for name, what in page.uploads.items():
            the_file = what[:1].upper() + what[1:]
            record = c.upload(name, request.files.get(name), what, max_bytes=UPLOAD_MAX, kept=kept.get(name),
                              wrong_type=f"{the_file} doit être un fichier pdf, jpg ou png.",
                              too_big=f"{the_file} doit être un fichier non vide de 5 Mo au plus.")
            if record:
                received[name] = record
        return received

    def _recap_view(self) -> Any:
        state, owner = current_state(), self.owner()
        if request.method == "GET":
            draft = state.draft(owner, self.kind)
            return self.blocked(self.recap, draft["pages"]) or self._render_recap(draft["pages"], jeton=draft["jeton"])
        jeton = request.form.get("jeton", "") if self.jeton else state.draft(owner, self.kind)["jeton"] or ""
        pages = state.draft_for_jeton(owner, self.kind, jeton)
        if not pages:
            return redirect(self.first_path, 303)
        blocked = self.blocked(self.recap, pages)
        if blocked:
            return blocked
        values = {name: request.form[name] for name in self.recap.fields if name in request.form}
        check = FormCheck(values, today=state.today())
        self.recap.check(check, pages)
        if check.errors:
            return self._render_recap(pages, jeton=jeton, values=values, errors=check.errors)
        submission = self.submission(jeton, pages, values)
        interposed = self.interpose(submission) if self.interpose else None
        return interposed if interposed is not None else self.finish(submission)

    def submission(self, jeton: str, pages: Pages, values: dict[str, Any], **extras: Any) -> Submission:
        """What `submit` receives for the draft `jeton`, with `values` (the récapitulatif's, a payment's)
        and the `extras` its record keeps beside the data."""
        return Submission(self.owner(), jeton, pages, values, {**self.merged(pages), **values},
                          current_state().today(), extras)

    def take(self, jeton: str) -> Pages | None:
        """Close the owner's draft named by `jeton`; its pages (again for a form posted twice), else None."""
        return current_state().submit_draft(self.owner(), self.kind, jeton)

    def finish(self, submission: Submission) -> Any:
        """Close the draft behind `submission` and let `submit` record it."""
        pages = self.take(submission.jeton)
        if pages is None:
            return redirect(self.first_path, 303)
        data = {**self.merged(pages), **submission.values}
        return self.submit(Submission(submission.owner, submission.jeton, pages, submission.values, data,
                                      submission.today, submission.extras))

    # -- what was recorded ----------------------------------------------------------------------

    def record(self, submission: Submission, numero: str, **extras: Any) -> dict[str, Any]:
        """Record the submission as received under `numero` (never de-duplicated); the record."""
        record = {"kind": self.kind, self.numero_key: numero, "received_at": now_iso(),
                  "account": submission.owner, **extras, "data": submission.data, **submission.extras}
        current_state().record(record)
        return record

    def own_record(self, numero: str) -> dict[str, Any]:
        """The owner's record of `numero`, else 404 (a numéro alone shows nothing)."""
        owner = self.owner()
        for record in current_state().received(self.kind):
            if record[self.numero_key] == numero and record["account"] == owner:
                return record
        abort(404)

    def _record_view(self, show: Callable[[dict[str, Any]], Any]) -> View:
        def view(numero: str) -> Any:
            return show(self.own_record(numero))

        return view
