"""A required field the flow does not know: the page is not validated incomplete (issue 18).

A site may add a required field to a page (a new question, a new identifier). autopilot fills only
what its flow names, so it would click « Suivant » on a page that cannot be right: the site would
refuse it, or worse take it with the new field empty. Before the mediator is asked to approve a
page it will validate, the engine looks for visible, empty controls the page marks as required
(`required`, `aria-required="true"`: docs/teleservices.md §9.11) that are not among the step's
targets, and stops the step there: the mediator fills them by hand. Only the main document is
looked at (the forms of the sites are there: ADR 0011), and only the forms holding the step's targets
when it has some (a required search box elsewhere on the page is not the step's).
"""

from __future__ import annotations

from autopilot.errors import PageChanged

# The visible, empty, required controls of the page that none of `known` (the step's targets, by their
# marks) designates. Run with the review's reading, in its round trip (page_reading.py).
UNKNOWN_REQUIRED = """(lib, known) => {
  const { clean, inPanel, shown, choiceShown, fieldLabels, groupLabels } = lib;
  const mine = known.flatMap((selector) => [...document.querySelectorAll(selector)]);
  const ours = (el) => mine.some((target) => target === el || target.contains(el));
  // The forms the step fills: a required field of another form (a search box, a newsletter) is not this page's.
  const forms = new Set(mine.map((target) => target.form || target.closest("form")).filter(Boolean));
  const missing = [];
  const radios = new Set();
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (!(el.required || el.getAttribute("aria-required") === "true")) continue;
    if (el.disabled || el.type === "hidden" || inPanel(el) || ours(el)) continue;
    if (forms.size && !forms.has(el.form)) continue;
    const choice = el.type === "radio" || el.type === "checkbox";
    if (!(choice ? choiceShown(el) : shown(el))) continue;
    if (el.type === "radio") {
      if (radios.has(el.name)) continue;
      radios.add(el.name);
      if ([...document.getElementsByName(el.name)].some((r) => r.checked)) continue;
      const group = el.closest("fieldset");
      missing.push((group && groupLabels(group)[0]) || fieldLabels(el)[0] || el.name);
      continue;
    }
    const empty = el.type === "checkbox" ? !el.checked : el.type === "file" ? el.files.length === 0 : !clean(el.value);
    if (empty) missing.push(fieldLabels(el)[0] || el.name || el.id);
  }
  return missing;
}"""


def check_complete(missing: list[str], step_title: str) -> None:
    """Stop the step (PageChanged) when the page asks for required fields the flow does not know
    (`missing`: their labels, as the review read them)."""
    if not missing:
        return
    names = ", ".join(f"« {label} »" for label in missing)
    raise PageChanged(
        f"Étape « {step_title} » : nouveau champ obligatoire : {names}. La démarche ne le connaît pas :"
        " autopilot ne valide pas une page incomplète.",
        "Cliquez sur « Je prends la main », remplissez ce champ avec l'usager, puis « Reprendre » ;"
        " signalez le changement au responsable des démarches (`autopilot check`).",
        step=step_title,
    )
