// How the mediator names form fields, and finding fields by those names (DESIGN §4.2, ADR 0002).
// This file is ONE expression: an object of functions shared by the engine and the recorder.
// The engine (locate.py) runs `locate` in each same-origin document of the page; the recorder
// (recorder/capture.js) names what the person touched with `fieldLabels` / `groupLabels`, then
// asks `locate` whether the engine would find exactly that element — so what is recorded is
// what is replayed.
//
// locate([specs, token], doc): specs are [{kind, text, within, option, css}]; the result is, per
// spec, {count, near, options, scopeCount, optionCount, select}, and every unique match is marked
// with data-autopilot-target="<token>-<index>" (its chosen radio with "<token>-<index>-option").
// The hint (.fr-hint-text) and error text inside a DSFR label are not part of the label text.
// Every helper works on the element's own document, so one frame may look into another.
(() => {
  const clean = (s) => (s || "").replace(/\s+/g, " ").trim();
  const norm = (s) => clean(s).toLocaleLowerCase("fr");
  const inPanel = (el) => {
    for (let node = el; node; node = node.parentNode || node.host) {
      if (node.nodeType === 1 && node.hasAttribute("data-autopilot-panel")) return true;
    }
    return false;
  };
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    const style = el.ownerDocument.defaultView.getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const ownText = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".fr-hint-text, .fr-error-text, .fr-message, .fr-messages-group").forEach((n) => n.remove());
    return clean(copy.textContent);
  };
  const byIds = (el, ids) =>
    (ids || "").split(/\s+/).map((id) => id && el.ownerDocument.getElementById(id)).filter(Boolean);
  const fieldLabels = (el) => {
    const names = [];
    if (el.getAttribute("aria-label")) names.push(clean(el.getAttribute("aria-label")));
    const labelled = byIds(el, el.getAttribute("aria-labelledby"));
    if (labelled.length) names.push(labelled.map(ownText).join(" "));
    for (const label of el.labels || []) names.push(ownText(label));
    return names;
  };
  const groupLabels = (el) => {
    const names = [];
    if (el.getAttribute("aria-label")) names.push(clean(el.getAttribute("aria-label")));
    const labelled = byIds(el, el.getAttribute("aria-labelledby"));
    if (labelled.length) names.push(labelled.map(ownText).join(" "));
    const legend = el.querySelector(":scope > legend");
    if (legend) names.push(ownText(legend));
    const heading = el.querySelector(":scope > h2, :scope > h3, :scope > h4");
    if (heading && el.tagName !== "FIELDSET") names.push(ownText(heading));
    return names;
  };
  const choiceShown = (input) => shown(input) || [...(input.labels || [])].some(shown);
  const GROUPS = "fieldset, [role=group], [role=radiogroup], [role=region], section";
  const FIELD_SELECTORS = {
    text: "input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), textarea",
    check: "input[type=checkbox]",
    upload: "input[type=file]",
  };
  const scopes = (within, doc) => {
    if (!within) return { list: [doc], count: 1 };
    const wanted = norm(within);
    const list = [...doc.querySelectorAll(GROUPS)].filter(
      (g) => !inPanel(g) && shown(g) && groupLabels(g).map(norm).includes(wanted)
    );
    return { list, count: list.length };
  };
  const radiosShown = (el) => [...el.querySelectorAll("input[type=radio]")].some(choiceShown);
  // Whether an element a CSS fallback designates counts: visible, and of the action's kind.
  const cssMatchOk = (kind, el) => {
    if (kind === "choose") return el.tagName === "SELECT" ? shown(el) : radiosShown(el);
    if (kind === "check") return el.matches(FIELD_SELECTORS.check) && choiceShown(el);
    return el.matches(FIELD_SELECTORS[kind]) && shown(el);
  };
  const uniq = (list) => [...new Set(list)];
  const words = (text) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  // A label close to the wanted one (renamed on the site): shown in the error, never used.
  const resemblesWanted = (wanted) => (name) => {
    if (name.includes(wanted) || wanted.includes(name)) return true;
    const want = new Set(words(wanted));
    const have = new Set(words(name));
    const common = [...want].filter((w) => have.has(w)).length;
    return common > 0 && common / new Set([...want, ...have]).size >= 0.5;
  };
  const locate = ([specs, token], doc = document) => {
    const results = [];
    specs.forEach((spec, index) => {
      const wanted = norm(spec.text);
      const resembles = resemblesWanted(wanted);
      const scope = scopes(spec.within, doc);
      const result = { count: 0, near: [], options: [], scopeCount: scope.count, optionCount: null };
      results.push(result);
      if (scope.count !== 1) return;
      const root = scope.list[0];
      let matches = [];
      const nearby = new Set();
      const consider = (el, names, ok) => {
        if (inPanel(el) || !ok) return;
        if (names.map(norm).includes(wanted)) matches.push(el);
        else for (const name of names) if (name && resembles(norm(name))) nearby.add(name);
      };
      if (spec.css) {
        let designated = [];
        try {
          designated = [...root.querySelectorAll(spec.css)];
        } catch (error) {
          designated = []; // not a selector: nothing matches, the error says so
        }
        matches = designated.filter((el) => !inPanel(el) && cssMatchOk(spec.kind, el));
      } else if (spec.kind === "choose") {
        for (const group of root.querySelectorAll(GROUPS)) {
          if (group.querySelector("input[type=radio]")) consider(group, groupLabels(group), radiosShown(group));
        }
        for (const select of root.querySelectorAll("select")) consider(select, fieldLabels(select), shown(select));
        matches = uniq(matches);
        // a fieldset inside a matching group is the same group seen twice: keep the innermost
        matches = matches.filter((m) => !matches.some((o) => o !== m && m.contains(o)));
      } else {
        for (const el of root.querySelectorAll(FIELD_SELECTORS[spec.kind])) {
          consider(el, fieldLabels(el), spec.kind === "check" ? choiceShown(el) : shown(el));
        }
        matches = uniq(matches);
      }
      result.count = matches.length;
      result.near = [...nearby].slice(0, 5);
      if (matches.length !== 1) return;
      const target = matches[0];
      target.setAttribute("data-autopilot-target", `${token}-${index}`);
      result.inputType = target.tagName === "INPUT" ? target.type : target.tagName.toLowerCase();
      if (spec.kind === "choose") {
        const option = norm(spec.option);
        if (target.tagName === "SELECT") {
          const options = [...target.options];
          result.options = options.map((o) => o.textContent.trim());
          result.optionCount = options.filter((o) => norm(o.textContent) === option).length;
          result.select = true;
        } else {
          const radios = [...target.querySelectorAll("input[type=radio]")];
          result.options = radios.map((r) => [...(r.labels || [])].map(ownText).join(" "));
          const chosen = radios.filter((r) => fieldLabels(r).map(norm).includes(option));
          result.optionCount = chosen.length;
          if (chosen.length === 1) chosen[0].setAttribute("data-autopilot-target", `${token}-${index}-option`);
        }
      }
    });
    return results;
  };
  return Object.freeze({
    locate, clean, norm, inPanel, shown, choiceShown, ownText, fieldLabels, groupLabels, GROUPS, FIELD_SELECTORS,
  });
})()
