// What the person does on the page, reported the way autopilot will replay it (recorder/events.py).
// One function, composed by recorder.py into an init script that runs in EVERY frame:
//   LOCATE  the engine's own naming and locating functions (engine/locate.js),
//   send    the binding to Python (captured and removed from window before any site script),
//   shared  {manual: bool}: the recording panel sets it while the person does a manual step.
// It returns {where}: the page's address and main heading, for the panel's messages.
//
// - Only trusted events count (the person, not the site's scripts); a file input also counts
//   when a tool fills it, since a page can never choose a file by itself.
// - A text field reports its final value when the person leaves it: keystrokes are merged.
// - A password, one-time-code or card field (autocomplete cc-*) reports that it was used and
//   NEVER its value: its value is not even read.
// - Every target is named with locate.js's functions, then checked with locate.js's `locate`
//   across the page's same-origin documents: it must find exactly this element, by its name, or
//   by its name within an enclosing section (`within`); otherwise a CSS fallback is flagged.
(LOCATE, send, shared) => {
  "use strict";
  const { clean, inPanel, shown, choiceShown, fieldLabels, groupLabels, GROUPS, FIELD_SELECTORS } = LOCATE;
  const isTop = window === window.top;
  const docId = isTop ? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` : null;
  let tokens = 0;

  // --- where we are ---------------------------------------------------------------------------

  const topDocument = () => {
    try {
      return window.top.document;
    } catch (error) {
      return document; // a frame of another origin: only its own document
    }
  };
  const sameOriginDocuments = () => {
    const found = [topDocument()];
    for (let i = 0; i < found.length; i += 1) {
      for (const frame of found[i].querySelectorAll("iframe, frame")) {
        let inner = null;
        try {
          inner = frame.contentDocument;
        } catch (error) {
          inner = null;
        }
        if (inner && !found.includes(inner)) found.push(inner);
      }
    }
    return found;
  };
  const accessibleText = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach((n) => n.remove());
    copy.querySelectorAll("img[alt]").forEach((img) => img.replaceWith(img.getAttribute("alt")));
    return clean(copy.textContent);
  };
  const accessibleName = (el) => {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    const labelled = ids.map((id) => el.ownerDocument.getElementById(id)).filter(Boolean);
    if (labelled.length) return clean(labelled.map(accessibleText).join(" "));
    if (el.getAttribute("aria-label")) return clean(el.getAttribute("aria-label"));
    if (el.tagName === "INPUT") return clean(el.value || el.getAttribute("alt") || el.getAttribute("title") || "");
    return accessibleText(el) || clean(el.getAttribute("title") || "");
  };
  const mainHeading = () => {
    const doc = topDocument();
    if (!doc.body) return "";
    for (const level of ["h1", "h2"]) {
      const heading = [...doc.body.querySelectorAll(level)].find((h) => !inPanel(h) && shown(h));
      if (heading) return accessibleName(heading);
    }
    return "";
  };
  const where = () => {
    let url = location.href;
    try {
      url = window.top.location.href;
    } catch (error) {
      // a frame of another origin: its own address
    }
    return { url, heading: mainHeading() };
  };
  // A client-side route (pushState) or a new main heading is a new page, in the same document. The
  // top frame announces it on a timer, and also before anything it reports and as the person starts
  // an action: Chromium throttles the timers of a window behind another (and a page's script can stop
  // them), and no event may reach Python ahead of the page it happened on.
  let place = null; // the page last announced: its path and main heading
  let initial = null; // the controls shown when the person began on this page
  const noticeMove = () => {
    if (!isTop) return;
    const now = where();
    const key = `${new URL(now.url).pathname}\n${now.heading}`;
    if (key === place) return;
    if (place !== null) initial = null; // what shows on the new page is its own, not revealed
    place = key;
    send({ type: "page", ...now, title: clean(document.title), doc: docId }).catch(() => {});
  };
  const post = (message) => {
    noticeMove();
    if (shared.manual) return; // a manual step: done by hand, not recorded
    send({ ...message, ...where(), doc: docId }).catch(() => {});
  };

  // --- naming targets as the engine finds them ------------------------------------------------

  const findsExactly = (spec, el) => {
    const token = `rec${(tokens += 1)}`;
    const docs = sameOriginDocuments();
    let zones = 0;
    let count = 0;
    for (const doc of docs) {
      const [result] = LOCATE.locate([[spec], token], doc);
      zones += result.scopeCount;
      if (result.scopeCount === 1) count += result.count;
    }
    const hit = el.getAttribute("data-autopilot-target") === `${token}-0`;
    for (const doc of docs) {
      for (const marked of doc.querySelectorAll(`[data-autopilot-target^="${token}-"]`)) {
        marked.removeAttribute("data-autopilot-target");
      }
    }
    return (!spec.within || zones === 1) && count === 1 && hit;
  };
  const enclosingGroups = (el) => {
    const groups = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (node.matches(GROUPS) && groupLabels(node).some(Boolean)) groups.push(node);
    }
    return groups;
  };
  const quoted = (value) => `'${value.replace(/['\\]/g, "\\$&")}'`;
  const path = (el) => {
    const parts = [];
    for (let node = el; node && node.parentElement && node !== node.ownerDocument.body; node = node.parentElement) {
      if (node.id) {
        parts.unshift(`#${CSS.escape(node.id)}`);
        break;
      }
      const same = [...node.parentElement.children].filter((c) => c.tagName === node.tagName);
      const tag = node.tagName.toLowerCase();
      parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(node) + 1})` : tag);
    }
    return parts.join(" > ");
  };
  const cssCandidates = (el) => {
    const tag = el.tagName.toLowerCase();
    const list = [];
    if (el.id) list.push(`#${CSS.escape(el.id)}`);
    if (el.getAttribute("name")) list.push(`${tag}[name=${quoted(el.getAttribute("name"))}]`);
    list.push(path(el));
    return list;
  };
  const namelessName = (el) => {
    const technical = (el.getAttribute("name") || "").replace(/[_-]+/g, " ").trim();
    return clean(el.getAttribute("placeholder") || el.getAttribute("title") || technical) || "Champ sans libellé";
  };
  const targetFor = (kind, el, names) => {
    const known = names.filter(Boolean);
    for (const text of known) if (findsExactly({ kind, text }, el)) return { text };
    for (const text of known) {
      for (const group of enclosingGroups(el)) {
        for (const within of groupLabels(group).filter(Boolean)) {
          if (findsExactly({ kind, text, within }, el)) return { text, within };
        }
      }
    }
    const candidates = cssCandidates(el);
    const css = candidates.find((c) => findsExactly({ kind, text: "", css: c }, el)) || candidates[candidates.length - 1];
    return { text: known[0] || namelessName(el), css, problem: known.length ? "ambigu" : "sans-libelle" };
  };

  // --- what the page says about a field -------------------------------------------------------

  const visible = (el) => (el.type === "radio" || el.type === "checkbox" ? choiceShown(el) : shown(el));
  const snapshot = () => {
    if (initial) return;
    initial = new WeakSet();
    for (const el of document.querySelectorAll("input, select, textarea, [role=tab]")) if (visible(el)) initial.add(el);
  };
  for (const type of ["pointerdown", "keydown", "focusin"]) {
    window.addEventListener(type, (event) => {
      if (!event.isTrusted || inPanel(event.target)) return;
      noticeMove();
      snapshot();
    }, true);
  }
  const revealed = (controls) => initial !== null && !controls.some((c) => initial.has(c));
  const hintOf = (holder) => {
    const hint = holder && holder.querySelector(".fr-hint-text");
    return hint ? clean(hint.textContent) : "";
  };
  const sectionFor = (el, target) => {
    // the innermost section that can scope this field: where a date's « Jour » belongs
    if (target.css) return null;
    const group = enclosingGroups(el)[0];
    if (!group) return null;
    const within = groupLabels(group).find(Boolean);
    return target.within === within || findsExactly({ kind: "text", text: target.text, within }, el) ? within : null;
  };
  // Required-ness as the page marks it: the attribute, its ARIA twin, or a « * » marker in the label.
  const MARKERS = "em, abbr, sup, .fr-required";
  const markedLabel = (label) => {
    if (!label) return false;
    if ([...label.querySelectorAll(MARKERS)].some((m) => clean(m.textContent) === "*" || m.matches(".fr-required"))) {
      return true;
    }
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".fr-hint-text, [role=button], button").forEach((n) => n.remove());
    const text = clean(copy.textContent);
    return text.endsWith("*") || text.startsWith("*");
  };
  const requiredMarked = (controls, label) => controls.some((c) => c.required || c.getAttribute("aria-required") === "true")
    || markedLabel(label) || controls.some((c) => [...(c.labels || [])].some(markedLabel));
  // Whether the page marks required fields at all: then an unmarked one is optional.
  const pageMarksRequired = () => Boolean(document.querySelector(
    "input[required], select[required], textarea[required], [aria-required=true]"))
    || [...document.querySelectorAll("label, legend")].some(markedLabel);
  const facts = (el, target, extra) => ({
    label: target.text,
    required: requiredMarked([el], null),
    marksRequired: pageMarksRequired(),
    hint: hintOf((el.labels || [])[0]),
    inputType: el.tagName === "SELECT" ? "select" : el.tagName === "TEXTAREA" ? "textarea"
      : (el.getAttribute("type") || "text").toLowerCase(),
    autocomplete: el.getAttribute("autocomplete") || "",
    inputmode: el.getAttribute("inputmode") || "",
    group: null,
    revealed: revealed([el]),
    options: [],
    id: el.id || "",
    name: el.getAttribute("name") || "",
    ...extra,
  });

  const CARD_WORDS = /cryptogramme|num[ée]ro de (la )?carte|code de s[ée]curit[ée]|\bcvv\b|\bcvc\b/i;
  const sensitivity = (el) => {
    const tokensOf = (el.getAttribute("autocomplete") || "").toLowerCase().split(/\s+/);
    if ((el.getAttribute("type") || "").toLowerCase() === "password") return "password";
    if (tokensOf.includes("current-password") || tokensOf.includes("new-password")) return "password";
    if (tokensOf.includes("one-time-code")) return "code";
    if (tokensOf.some((t) => t.startsWith("cc-"))) return "card";
    const label = fieldLabels(el).join(" ");
    if (/mot de passe|password/i.test(label)) return "password";
    if (CARD_WORDS.test(label)) return "card";
    return null;
  };

  // --- reports --------------------------------------------------------------------------------

  const isText = (el) => el.nodeType === 1 && el.matches(FIELD_SELECTORS.text);
  const pending = new Set(); // text fields typed in, not reported yet
  const secretsSeen = new WeakSet();

  const reportText = (el) => {
    pending.delete(el);
    if (!el.isConnected) return;
    const target = targetFor("text", el, fieldLabels(el));
    post({ type: "fill", target, field: facts(el, target, { group: sectionFor(el, target) }), value: el.value });
  };
  const flushPending = () => [...pending].forEach(reportText);
  const reportSecret = (el, reason) => {
    if (secretsSeen.has(el)) return;
    secretsSeen.add(el);
    const target = targetFor(el.tagName === "SELECT" ? "choose" : "text", el, fieldLabels(el));
    post({ type: "secret", reason, target, field: facts(el, target, {}) }); // no value: never read
  };
  const reportCheck = (el) => {
    const target = targetFor("check", el, fieldLabels(el));
    post({ type: "check", target, field: facts(el, target, {}), checked: el.checked });
  };
  const reportFile = (el) => {
    const target = targetFor("upload", el, fieldLabels(el));
    post({ type: "upload", target, field: facts(el, target, {}), files: [...(el.files || [])].map((f) => f.name) });
  };
  const reportSelect = (el) => {
    const option = el.selectedOptions[0];
    if (!option || option.value === "") return; // back to the placeholder: nothing chosen
    const target = targetFor("choose", el, fieldLabels(el));
    const options = [...el.options].filter((o) => o.value !== "").map((o) => [o.value, clean(o.textContent)]);
    post({ type: "choose", target, field: facts(el, target, { options }), option: option.value,
      optionText: clean(option.textContent) });
  };
  const reportRadio = (radio) => {
    // the group the engine finds: the innermost section holding the radio that has a name
    const group = enclosingGroups(radio)[0];
    const holder = group || radio.closest(GROUPS) || radio.form || radio.parentElement;
    const radios = [...holder.querySelectorAll("input[type=radio]")];
    const target = targetFor("choose", holder, group ? groupLabels(group) : []);
    const legend = group && group.querySelector(":scope > legend");
    post({
      type: "choose",
      target,
      field: {
        label: target.text, hint: hintOf(legend), inputType: "radio", autocomplete: "", inputmode: "",
        group: null, revealed: revealed(radios), options: radios.map((r) => [r.value, fieldLabels(r)[0] || ""]),
        required: requiredMarked(radios, legend), marksRequired: pageMarksRequired(),
        id: (group && group.id) || "", name: radio.getAttribute("name") || "",
      },
      option: radio.value,
      optionText: fieldLabels(radio)[0] || "",
    });
  };
  // A tab of a tab list is a choice among the list's tabs (the engine's `choose` on the list's name).
  const reportTab = (tab) => {
    const list = tab.closest("[role=tablist]");
    if (!list) return false;
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const text = (t) => fieldLabels(t)[0] || clean(t.textContent);
    const target = targetFor("choose", list, groupLabels(list));
    post({
      type: "choose",
      target,
      field: {
        label: target.text, hint: "", inputType: "tab", autocomplete: "", inputmode: "", group: null,
        revealed: initial !== null && !initial.has(tab), options: tabs.map((t) => [slugOf(text(t)), text(t)]),
        required: false, marksRequired: pageMarksRequired(),
      },
      option: slugOf(text(tab)),
      optionText: text(tab),
    });
    return true;
  };
  const slugOf = (text) => clean(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  const CLICKABLE = {
    button: "button, input[type=submit], input[type=button], input[type=reset], input[type=image], [role=button]",
    link: "a[href], [role=link]",
  };
  const countClickable = (role, test) => sameOriginDocuments()
    .flatMap((doc) => [...doc.querySelectorAll(CLICKABLE[role])])
    .filter((el) => !inPanel(el) && shown(el) && test(el)).length;
  const reportClick = (el) => {
    const role = el.matches(CLICKABLE.link) ? "link" : "button";
    const name = accessibleName(el);
    let target = { text: name, role };
    if (!name || countClickable(role, (other) => accessibleName(other) === name) !== 1) {
      const candidates = cssCandidates(el);
      const unique = (css) => sameOriginDocuments().flatMap((doc) => [...doc.querySelectorAll(css)])
        .filter((other) => !inPanel(other) && shown(other)).length === 1;
      const css = candidates.find(unique) || candidates[candidates.length - 1];
      target = { text: name || namelessName(el), role, css, problem: name ? "ambigu" : "sans-libelle" };
    }
    post({ type: "click", target });
  };

  // --- listeners (capture phase: the site cannot hide its events) -----------------------------

  window.addEventListener("input", (event) => {
    const el = event.target;
    if (!event.isTrusted || inPanel(el) || !isText(el)) return;
    const reason = sensitivity(el);
    if (reason) reportSecret(el, reason);
    else pending.add(el);
  }, true);
  window.addEventListener("change", (event) => {
    const el = event.target;
    if (el.nodeType !== 1 || inPanel(el)) return;
    if (el.type === "file") {
      reportFile(el); // only a person (or a tool acting for one) can choose a file
      return;
    }
    if (!event.isTrusted) return;
    if (isText(el)) {
      if (!sensitivity(el)) reportText(el);
    } else if (el.type === "checkbox") reportCheck(el);
    else if (el.type === "radio") {
      if (el.checked) reportRadio(el);
    } else if (el.tagName === "SELECT") {
      const reason = sensitivity(el); // a card's expiry month, say
      if (reason) reportSecret(el, reason);
      else reportSelect(el);
    }
  }, true);
  window.addEventListener("click", (event) => {
    if (!event.isTrusted || event.target.nodeType !== 1 || inPanel(event.target)) return;
    const el = event.target.closest(`${CLICKABLE.button}, ${CLICKABLE.link}`);
    if (!el) return;
    flushPending(); // what was typed just before the click comes first
    if (el.matches("[role=tab]") && reportTab(el)) return;
    reportClick(el);
  }, true);
  window.addEventListener("submit", flushPending, true);
  window.addEventListener("pagehide", flushPending, true);

  if (isTop) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", noticeMove, { once: true });
    else noticeMove();
    setInterval(noticeMove, 200);
  }
  return { where };
}
