// How the mediator names form fields, and finding fields by those names (DESIGN §4.2, ADR 0002).
// This file is ONE expression: a function of the shared library `dom` (dom.js) returning the
// locating functions; `locate.library_script()` merges both into one object for the engine and
// the recorder (recorder/capture.js names what the person touched with `fieldLabels` /
// `groupLabels`, then asks `locate` whether the engine would find exactly that element — so what
// is recorded is what is replayed).
//
// locate([specs, token], doc): specs are [{kind, text, within, option, css}]; the result is, per
// spec, {count, near, options, scopeCount, optionCount, select}, and every unique match is marked
// with data-autopilot-target="<token>-<index>" (its chosen option with "<token>-<index>-option").
// A choice is a radio group (plain, card or segmented radios: by its legend), a select (by its
// label), a tab list (role=tablist, by its name; the option is a tab) or an ARIA radio group.
// Labels are compared by their own visible words (dom.ownText, dom.norm).
(dom) => {
  const { clean, norm, inPanel, shown, choiceShown, ownText, fieldLabels, groupLabels } = dom;
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
  // The options a choice group offers a person: radios (plain, card, segmented), tabs, ARIA radios.
  const OPTIONS = "input[type=radio], [role=tab], [role=radio]";
  const optionsOf = (group) => [...group.querySelectorAll(group.matches("[role=tablist]") ? "[role=tab]" : OPTIONS)]
    .filter((o) => !o.matches("[role=tab]") || group.matches("[role=tablist]"));
  const optionShown = (o) => (o.matches("input") ? choiceShown(o) : shown(o));
  const offersShown = (el) => optionsOf(el).some(optionShown);
  // Whether an element a CSS fallback designates counts: visible, and of the action's kind.
  const cssMatchOk = (kind, el) => {
    if (kind === "choose") return el.tagName === "SELECT" ? shown(el) : offersShown(el);
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
          if (group.querySelector("input[type=radio], [role=radio]")) consider(group, groupLabels(group), offersShown(group));
        }
        for (const list of root.querySelectorAll("[role=tablist]")) consider(list, groupLabels(list), offersShown(list));
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
          const radios = optionsOf(target).filter(optionShown);
          result.options = radios.map((r) => fieldLabels(r)[0] || "");
          const chosen = radios.filter((r) => fieldLabels(r).map(norm).includes(option));
          result.optionCount = chosen.length;
          if (chosen.length === 1) chosen[0].setAttribute("data-autopilot-target", `${token}-${index}-option`);
        }
      }
    });
    return results;
  };
  return Object.freeze({ locate, GROUPS, FIELD_SELECTORS });
}
