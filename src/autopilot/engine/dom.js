// The one browser-side definition of what a person sees (DESIGN §4c, ADR 0011): visibility, a
// label's own words and their normalisation, what a control holds, where a person clicks a
// choice, the site's errors and whether the page has settled. This file is ONE expression, an
// object of functions; `dom.py` composes it into every script the engine, the read-back, the page
// reading and the recorder run (never a copy of these rules elsewhere).
// Every helper works on the element's own document, so one frame may look into another.
(() => {
  // Zero-width characters real sites put inside acronyms (« S\u200bI\u200bR\u200bE\u200bN »), and the soft hyphen.
  const INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u00ad]/g;
  const clean = (s) =>
    (s || "").normalize("NFC").replace(INVISIBLE, "").replace(/[\u2019\u2018\u02bc]/g, "'").replace(/\s+/g, " ").trim();
  // A required marker left at either end of a label (« Nom * », « * Nom ») is not one of its words.
  const unmarked = (s) => s.replace(/^\*\s*/, "").replace(/\s*\*$/, "");
  const norm = (s) => unmarked(clean(s)).toLocaleLowerCase("fr");

  const inPanel = (el) => {
    for (let node = el; node; node = node.parentNode || node.host) {
      if (node.nodeType === 1 && node.hasAttribute("data-autopilot-panel")) return true;
    }
    return false;
  };
  const styleOf = (el) => el.ownerDocument.defaultView.getComputedStyle(el);
  // Visible: connected, rendered, not hidden, with a box a person can see.
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    const style = styleOf(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Text only screen readers get (DSFR .fr-sr-only: a 1px clipped box) is not seen.
  const screenReaderOnly = (el) => {
    if (el.classList.contains("fr-sr-only") || el.classList.contains("sr-only")) return true;
    const box = el.getBoundingClientRect();
    return box.width <= 1 && box.height <= 1 && styleOf(el).overflow === "hidden";
  };
  // Inside a label but not its name: the DSFR hint and messages, a required marker, a nested help button.
  const NOT_LABEL = [
    ".fr-hint-text", ".fr-error-text", ".fr-valid-text", ".fr-info-text", ".fr-message", ".fr-messages-group",
    ".fr-required", "[role=button]", "button", "[role=tooltip]", ".fr-tooltip", "[aria-hidden=true]",
  ].join(", ");
  const marker = (el) => el.tagName === "EM" || el.tagName === "ABBR" || el.tagName === "SUP" ? clean(el.textContent) === "*" : false;
  // A label's own words: its visible text, without what NOT_LABEL lists (hidden parts are skipped
  // when the label itself is shown; a hidden label keeps its written words).
  const ownText = (el) => {
    const rendered = shown(el);
    const parts = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === 3) parts.push(child.data);
        else if (child.nodeType === 1) {
          if (child.matches(NOT_LABEL) || marker(child)) continue;
          if (child.tagName === "SCRIPT" || child.tagName === "STYLE" || child.tagName === "TEMPLATE") continue;
          if (rendered) {
            const style = styleOf(child);
            if (style.display === "none" || style.visibility === "hidden" || screenReaderOnly(child)) continue;
          }
          if (child.tagName === "IMG") parts.push(" ");
          else {
            parts.push(" ");
            walk(child);
            parts.push(" ");
          }
        }
      }
    };
    walk(el);
    return unmarked(clean(parts.join("")));
  };
  const byIds = (el, ids) =>
    (ids || "").split(/\s+/).map((id) => id && el.ownerDocument.getElementById(id)).filter(Boolean);
  const fieldLabels = (el) => {
    const names = [];
    if (el.getAttribute("aria-label")) names.push(clean(el.getAttribute("aria-label")));
    const labelled = byIds(el, el.getAttribute("aria-labelledby"));
    if (labelled.length) names.push(labelled.map(ownText).join(" "));
    for (const label of el.labels || []) names.push(ownText(label));
    if (!names.length && el.matches("[role=tab], [role=radio], [role=option]")) names.push(ownText(el));
    return names.filter(Boolean);
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
    return names.filter(Boolean);
  };
  // A radio or checkbox a person can see: itself, or (DSFR, card radios) its label drawn over it.
  const choiceShown = (input) => shown(input) || [...(input.labels || [])].some(shown);

  // What the guard judges with (ADR 0020 and its addendum), taken from the DOM when this library is
  // made: for the library the init script gives a document, before any script of the page, which may
  // replace these on the prototypes afterwards without the guard using its versions.
  const apply = Reflect.apply;
  const native = (proto, name) => {
    const found = Object.getOwnPropertyDescriptor(proto, name);
    return found.get || found.value;
  };
  const NATIVE = {
    __proto__: null,
    fromPoint: native(Document.prototype, "elementFromPoint"),
    contains: native(Node.prototype, "contains"),
    ownerDocument: native(Node.prototype, "ownerDocument"),
    closest: native(Element.prototype, "closest"),
    matches: native(Element.prototype, "matches"),
    getAttribute: native(Element.prototype, "getAttribute"),
    checked: native(HTMLInputElement.prototype, "checked"),
    type: native(Event.prototype, "type"),
    target: native(Event.prototype, "target"),
    preventDefault: native(Event.prototype, "preventDefault"),
    stopImmediatePropagation: native(Event.prototype, "stopImmediatePropagation"),
    now: Date.now,
  };
  const contains = (el, other) => apply(NATIVE.contains, el, [other]);
  const matches = (el, selector) => apply(NATIVE.matches, el, [selector]);
  const attribute = (el, name) => apply(NATIVE.getAttribute, el, [name]);

  // Where a person clicks to pick a choice: the control when it is the element at its own centre
  // (a plain radio, a tab), else a point of its visible label that is the label or plain text in
  // it, never a link or button inside it (DSFR draws the box on the label, which takes the
  // pointer; a card radio's input is 0×0). Adds <token> to that element's data-autopilot-click
  // (select it with ~=: two choices of a step may share it) and returns {x, y} in it, or null when
  // nothing a person could click is there; `checkable`: the control has a checked state the
  // browser library reads itself (a radio or checkbox, an ARIA radio, checkbox or switch — not a
  // tab). With the engine's `key` (`installGuard`) and `arm`, a checkable control's click is also
  // guarded (`guardNextPress`, ADR 0020): `armed` says so.
  const INTERACTIVE = "a, button, [role=button], input, select, textarea";
  const CHECKABLE = "input[type=radio], input[type=checkbox], [role=radio], [role=checkbox], [role=switch]";
  const hitAt = (el, x, y) => apply(NATIVE.fromPoint, apply(NATIVE.ownerDocument, el, []), [x, y]);
  const hitsSelf = (el, x, y, accept) => {
    const box = el.getBoundingClientRect();
    const hit = hitAt(el, box.left + x, box.top + y);
    return hit !== null && accept(hit);
  };
  const clickPoint = (control, token, wanted = true, key = null, arm = false) => {
    const engine = keyed(key);
    if (engine) guard = null; // whatever the next click is, an older guard is not its own
    if (isOn(control) === wanted) return { done: true };
    const mark = (el, x, y, accept) => {
      const tokens = (el.getAttribute("data-autopilot-click") || "").split(" ").filter(Boolean);
      if (!tokens.includes(token)) el.setAttribute("data-autopilot-click", [...tokens, token].join(" "));
      const checkable = matches(control, CHECKABLE);
      // guarded only here: the guard listens to this document, the one the library was given to
      const armed = engine && arm && checkable && apply(NATIVE.ownerDocument, control, []) === document;
      if (armed) guardNextPress(accept, control, wanted, token);
      return { x, y, checkable, armed };
    };
    control.scrollIntoView({ block: "center", inline: "nearest" });
    const box = control.getBoundingClientRect();
    const onControl = (hit) => hit === control || contains(control, hit);
    if (shown(control) && hitsSelf(control, box.width / 2, box.height / 2, onControl)) {
      return mark(control, box.width / 2, box.height / 2, onControl);
    }
    for (const label of control.labels || []) {
      if (!shown(label)) continue;
      const area = label.getBoundingClientRect();
      const points = [[4, 4], [area.width / 2, area.height / 2], [4, area.height / 2], [area.width - 4, area.height / 2]];
      const plain = (hit) => {
        if (hit === label || hit === control) return true;
        if (!contains(label, hit)) return false;
        const active = apply(NATIVE.closest, hit, [INTERACTIVE]);
        return !(active && contains(label, active));
      };
      for (const [x, y] of points) {
        if (x > 0 && y > 0 && x < area.width && y < area.height && hitsSelf(label, x, y, plain)) return mark(label, x, y, plain);
      }
    }
    return null;
  };
  // The guard of the engine's next click on a choice (ADR 0020). The next trusted press in the
  // document is judged where the browser delivers it (the event's target): at an element `accept`
  // takes as the choice's, while the choice is enabled and not yet as wanted, it goes through.
  // Otherwise the press, its release and its click are stopped before the page's own listeners
  // see them: a choice already so is left as it is; a press anywhere else, or on a disabled choice,
  // is recorded under `token` (`wasStopped`). One press, then the guard is gone; after ARM_MS
  // without one, too. One click at a time: arming replaces the guard armed before.
  // Its listeners are the document's first (`installGuard`, from the init script), and only the
  // engine's key arms it, lifts it or reads it: the library is on the window, where a page's script
  // can find it and call its functions.
  const GUARDED = ["pointerdown", "mousedown", "pointerup", "mouseup", "click", "auxclick", "dblclick", "contextmenu"];
  const ENDS = { __proto__: null, click: true, auxclick: true, contextmenu: true };
  const ARM_MS = 2000;
  let engineKey = null; // the engine's, given once by the init script; a library made otherwise never has one
  let guard = null;
  const stopped = { __proto__: null };
  const keyed = (key) => engineKey !== null && key === engineKey;
  const judge = (event) => {
    const armed = guard;
    if (armed === null || !event.isTrusted) return;
    if (armed.verdict === null) {
      if (NATIVE.now() > armed.until) {
        guard = null;
        return;
      }
      let verdict = "stopped";
      try {
        const { control } = armed;
        const disabled = matches(control, ":disabled") || attribute(control, "aria-disabled") === "true";
        const hit = apply(NATIVE.target, event, []);
        verdict = isOn(control) === armed.wanted ? "already" : !disabled && armed.accept(hit) ? "through" : "stopped";
      } catch (error) {
        verdict = "stopped"; // a target that is not an element of this document
      }
      armed.verdict = verdict;
      if (verdict === "stopped") stopped[armed.token] = true;
    }
    if (armed.verdict !== "through") {
      apply(NATIVE.preventDefault, event, []);
      apply(NATIVE.stopImmediatePropagation, event, []);
    }
    if (ENDS[apply(NATIVE.type, event, [])] === true && guard === armed) guard = null;
  };
  // The init script's call, before the page's scripts: the guard's listeners come first on the window.
  const installGuard = (key) => {
    if (engineKey !== null || typeof key !== "string" || !key) return;
    engineKey = key;
    for (const type of GUARDED) window.addEventListener(type, judge, true);
  };
  const guardNextPress = (accept, control, wanted, token) => {
    guard = { __proto__: null, accept, control, wanted, token, until: NATIVE.now() + ARM_MS, verdict: null };
  };
  // Whether the guard stopped the press of the click `token` (it landed elsewhere, or the choice was
  // disabled); the guard is gone after (a click made again has Playwright's checks, not an old guard).
  const wasStopped = (token, key) => {
    if (!keyed(key)) return false;
    guard = null;
    return stopped[token] === true;
  };
  // Whether a choice is on: a ticked radio or checkbox, a selected tab, a checked ARIA radio.
  const isOn = (control) => {
    if (matches(control, "input")) return apply(NATIVE.checked, control, []);
    if (matches(control, "[role=tab]")) return attribute(control, "aria-selected") === "true";
    return attribute(control, "aria-checked") === "true";
  };

  // What a control holds now, as the page shows it (the read-back the mediator checks).
  const readBack = (el) => {
    if (!el) return "";
    if (el.tagName === "SELECT") return el.selectedOptions.length ? clean(el.selectedOptions[0].textContent) : "";
    if (el.type === "checkbox") return el.checked ? "oui" : "non";
    if (el.type === "file") return [...el.files].map((f) => f.name).join(", ");
    if (el.matches("input, textarea")) return el.value;
    if (el.matches("[role=tablist]")) {
      const on = [...el.querySelectorAll("[role=tab]")].find((t) => t.getAttribute("aria-selected") === "true");
      return on ? ownText(on) : "";
    }
    const radios = [...el.querySelectorAll("input[type=radio]")];
    if (radios.length) {
      const on = radios.find((r) => r.checked);
      if (!on) return "";
      return fieldLabels(on)[0] || on.value;
    }
    const aria = [...el.querySelectorAll("[role=radio]")].find((r) => r.getAttribute("aria-checked") === "true");
    return aria ? fieldLabels(aria)[0] || "" : "";
  };

  // The site's own error messages now shown: field errors first (DSFR .fr-error-text, and in 1.15
  // .fr-message--error inside .fr-messages-group), then an error alert when it says more than a
  // summary of them. A warning or info alert, even with role="alert", is not a refusal.
  const FIELD_ERRORS = ".fr-error-text, .fr-message--error";
  const ERROR_ALERTS = ".fr-alert--error";
  const visibleIn = (doc, selector) => [...doc.querySelectorAll(selector)].filter((el) => shown(el) && !inPanel(el));
  const CALM = ".fr-alert--warning, .fr-alert--info, .fr-alert--success, .fr-notice";
  // A control marked invalid points (aria-describedby) at its error message: that message counts.
  const describedErrors = (doc) => [...doc.querySelectorAll("[aria-invalid=true][aria-describedby]")].flatMap((el) =>
    byIds(el, el.getAttribute("aria-describedby")).filter((m) =>
      /err/i.test(`${m.id} ${m.className}`) && !m.matches(".fr-hint-text") && shown(m) && !inPanel(m)));
  const siteErrors = (doc = document) => {
    const found = [];
    for (const el of [...visibleIn(doc, FIELD_ERRORS), ...describedErrors(doc)]) {
      const text = clean(el.innerText);
      if (text && !found.includes(text)) found.push(text);
    }
    const fieldErrors = [...found];
    for (const el of visibleIn(doc, `${ERROR_ALERTS}, [role=alert]`)) {
      if (el.parentElement && el.parentElement.closest(`${ERROR_ALERTS}, [role=alert]`)) continue;
      if (!el.matches(ERROR_ALERTS) && (el.closest(CALM) || el.querySelector(CALM))) continue;
      const text = clean(el.innerText);
      if (!text || found.includes(text)) continue;
      if (fieldErrors.some((e) => text.includes(e))) continue; // « Le formulaire contient 2 erreurs : … »
      found.push(text);
    }
    return found;
  };
  // Alerts shown to the mediator, never obeyed: warnings and infos (« Fraîcheur des données »).
  const siteNotices = (doc = document) =>
    visibleIn(doc, ".fr-alert--warning, .fr-alert--info").map((el) => clean(el.innerText)).filter(Boolean);

  // Still loading: a busy region, or a visible loader (ADR 0011 lists these).
  const LOADERS = [
    "[aria-busy=true]", ".loader", ".loader-container", ".loading", ".spinner", ".fr-spinner",
    "[role=progressbar]:not(progress):not([aria-valuenow])", ".v-overlay--active", ".overlay-loading",
  ].join(", ");
  const busy = (doc = document) => {
    if (!doc.body) return "document";
    for (const el of doc.querySelectorAll(LOADERS)) {
      if (inPanel(el)) continue;
      const flagged = el.getAttribute("aria-busy") === "true";
      if (shown(el) || (flagged && (el === doc.body || el === doc.documentElement))) return flagged ? "aria-busy" : "loader";
    }
    return framesLoading(doc) ? "frame" : requesting(doc) ? "requests" : "";
  };
  // The page's own fetch/XHR still pending, as requests.js counts them in each document, in the
  // page and in the frames of its origin (another origin's are not readable, and not waited for).
  const requesting = (doc) => {
    const count = doc.defaultView ? doc.defaultView.__autopilotPendingRequests : 0; // the name requests.js defines
    if (count > 0) return true;
    return [...doc.querySelectorAll("iframe, frame")].some((frame) => !!frame.contentDocument && requesting(frame.contentDocument));
  };
  // A frame of the page's own origin whose document has not arrived or is still being parsed: its
  // fields are the engine's to fill (locate.py same_origin_frames), and are not there yet. Another
  // origin's frame is not waited for (a blocked third-party widget must not hold the page), nor a
  // lazy one (it loads only once scrolled to).
  const framesLoading = (doc) => [...doc.querySelectorAll("iframe, frame")].some((frame) => {
    const inner = frame.contentDocument; // null for another origin's document
    if (!inner) return false;
    const src = frame.getAttribute("src");
    let own = false;
    try { own = !!src && new URL(src, doc.baseURI).origin === new URL(doc.URL).origin; } catch (error) { own = false; }
    const arriving = own && inner.URL === "about:blank" && frame.loading !== "lazy";
    return arriving || inner.readyState === "loading" || framesLoading(inner);
  });
  const pageText = (doc = document) => (doc.body ? clean(doc.body.innerText) : "");

  // Every element matching `selector` in `root` and in the open shadow roots under it, as Playwright's
  // CSS engine finds them.
  const deepAll = (root, selector) => {
    const found = [...root.querySelectorAll(selector)];
    for (const host of root.querySelectorAll("*")) if (host.shadowRoot) found.push(...deepAll(host.shadowRoot, selector));
    return found;
  };

  // The one button or link a flow names (`click: {button | link}`), found here rather than by
  // Playwright's role selector, whose first use in a document costs the page a script of its own
  // (ADR 0018). Only a sure answer is given: every shown element of that role whose words (text,
  // aria-label, labelledby, value, title, an image's alt) so much as contain the name, case and
  // apostrophes aside, is a candidate; when there is exactly one, not aria-hidden, and its accessible
  // name is exactly the name, [it]; otherwise null, and Playwright's role selector decides.
  const ROLE_TAGS = {
    button: "button, input[type=submit], input[type=button], input[type=reset], input[type=image]",
    link: "a[href], area[href]",
  };
  const roleOf = (el) => {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0].toLowerCase();
    if (explicit && explicit !== "none" && explicit !== "presentation") return explicit;
    return Object.keys(ROLE_TAGS).find((role) => el.matches(ROLE_TAGS[role])) || "";
  };
  const spaced = (s) => (s || "").replace(/\s+/g, " ").trim(); // Playwright's normalisation: spaces only
  const hiddenFromAll = (el) => {
    for (let node = el; node; node = node.parentNode || node.host) { // through shadow roots, to their hosts
      if (node.nodeType === 1 && (node.getAttribute("aria-hidden") === "true" || node.hidden)) return true;
    }
    return false;
  };
  const wordsOf = (el) => {
    const parts = [el.textContent, el.getAttribute("aria-label"), el.getAttribute("title"), el.getAttribute("alt")];
    if (el.tagName === "INPUT") parts.push(el.value);
    for (const inner of el.querySelectorAll("[alt], [aria-label], [title]")) {
      parts.push(inner.getAttribute("alt"), inner.getAttribute("aria-label"), inner.getAttribute("title"));
    }
    for (const ref of byIds(el, el.getAttribute("aria-labelledby"))) parts.push(ref.textContent);
    return norm(parts.filter(Boolean).join(" "));
  };
  const contentName = (el) => {
    const parts = [];
    for (const child of el.childNodes) {
      if (child.nodeType === 3) parts.push(child.data);
      if (child.nodeType !== 1 || child.getAttribute("aria-hidden") === "true") continue;
      if (["SCRIPT", "STYLE", "TEMPLATE"].includes(child.tagName)) continue;
      const style = styleOf(child);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const label = spaced(child.getAttribute("aria-label"));
      parts.push(" ", label || (child.tagName === "IMG" ? child.getAttribute("alt") || "" : contentName(child)), " ");
    }
    return spaced(parts.join(""));
  };
  const nameOf = (el) => {
    const refs = byIds(el, el.getAttribute("aria-labelledby"));
    if (refs.length) return spaced(refs.map(contentName).join(" "));
    const label = spaced(el.getAttribute("aria-label"));
    if (label) return label;
    if (el.tagName === "INPUT") return spaced(el.type === "image" ? el.alt || el.value : el.value) || spaced(el.title);
    return contentName(el) || spaced(el.getAttribute("title"));
  };
  const named = (doc, role, name) => {
    const wanted = norm(name);
    const candidates = deepAll(doc, "button, input, a[href], area[href], [role]")
      .filter((el) => roleOf(el) === role && wordsOf(el).includes(wanted) && !inPanel(el) && shown(el));
    if (candidates.length !== 1) return null;
    const [one] = candidates;
    return !hiddenFromAll(one) && nameOf(one) === spaced(name) ? [one] : null;
  };
  // Outline every element the engine marked (the fields it filled, the buttons it will click);
  // a radio or checkbox is outlined on its label, which is what a person sees.
  const highlight = (doc = document) => doc.querySelectorAll("[data-autopilot-target]").forEach((el) => {
    const seen = el.matches("input[type=radio], input[type=checkbox]") && el.labels && el.labels[0] ? el.labels[0] : el;
    seen.style.outline = "3px solid #fc5d00";
    seen.style.outlineOffset = "2px";
  });

  return Object.freeze({
    clean, norm, inPanel, shown, choiceShown, ownText, fieldLabels, groupLabels, clickPoint, isOn, readBack,
    siteErrors, siteNotices, busy, pageText, highlight, LOADERS, deepAll, named, wasStopped, installGuard,
  });
})()
