// The facts that identify a form control besides its label (docs/adr/0014-fingerprints.md): its
// id, name, autocomplete, input type, place among the page's controls, fieldset legend and hint.
// ONE expression: a function `(lib, [kind, marked]) => …` run through dom.script(…, locate=True),
// where `lib` is dom.js + locate.js. It lists every visible control of the action's `kind` with
// its facts, in page order; `marked` (a data-autopilot-target value or a list of them, or null)
// flags the controls the engine located (`marked` holds the mark), so their facts become the
// targets' fingerprints. Never used to fill.
(lib, [kind, marked]) => {
  const marks = marked == null ? [] : Array.isArray(marked) ? marked : [marked];
  const { clean, inPanel, shown, choiceShown, ownText, fieldLabels, groupLabels, FIELD_SELECTORS } = lib;
  const CONTROLS = `${FIELD_SELECTORS.text}, select, input[type=checkbox], input[type=file], input[type=radio]`;
  const hintOf = (el) => {
    const holder = el.labels && el.labels[0] ? el.labels[0] : el.matches("fieldset") ? el.querySelector(":scope > legend") : null;
    const hint = holder ? holder.querySelector(".fr-hint-text") : null;
    return hint ? clean(hint.textContent) : "";
  };
  const legendOf = (el) => {
    const group = (el.matches("fieldset") ? el.parentElement : el).closest("fieldset");
    const legend = group ? group.querySelector(":scope > legend") : null;
    return legend ? ownText(legend) : "";
  };
  // The place of a control: its index among the visible controls of the page (a radio group counts once).
  const places = new Map();
  let place = 0;
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (inPanel(el) || !(el.matches("input[type=radio], input[type=checkbox]") ? choiceShown(el) : shown(el))) continue;
    const key = el.type === "radio" ? `radio:${el.name}` : el;
    if (!places.has(key)) places.set(key, place++);
  }
  const placeOf = (el) => {
    if (el.tagName === "FIELDSET") {
      const radio = el.querySelector("input[type=radio]");
      return radio ? places.get(`radio:${radio.name}`) ?? -1 : -1;
    }
    return places.get(el) ?? -1;
  };
  const facts = (el) => {
    const radio = el.tagName === "FIELDSET" ? el.querySelector("input[type=radio]") : null;
    const control = radio || el;
    const labels = el.tagName === "FIELDSET" ? groupLabels(el) : fieldLabels(el);
    return {
      label: labels[0] || "",
      id: el.id || "",
      name: control.getAttribute("name") || "",
      autocomplete: control.getAttribute("autocomplete") || "",
      type: el.tagName === "FIELDSET" ? "radio" : el.tagName === "INPUT" ? el.type : el.tagName.toLowerCase(),
      place: placeOf(el),
      legend: legendOf(el),
      hint: hintOf(el),
      marked: marks.includes(el.getAttribute("data-autopilot-target")) ? el.getAttribute("data-autopilot-target") : "",
    };
  };
  let found = [];
  if (kind === "choose") {
    const groups = [...document.querySelectorAll("fieldset")].filter(
      (g) => g.querySelector(":scope input[type=radio]") && !g.querySelector(":scope fieldset input[type=radio]") && !inPanel(g) && shown(g));
    found = [...groups, ...[...document.querySelectorAll("select")].filter((s) => !inPanel(s) && shown(s))];
  } else {
    const visible = kind === "check" ? choiceShown : shown;
    found = [...document.querySelectorAll(FIELD_SELECTORS[kind])].filter((el) => !inPanel(el) && visible(el));
  }
  return found.map(facts).sort((a, b) => a.place - b.place);
}
