// The recording panel: a sidebar docked on the right of the top document, in an open shadow root
// (like the engine's panel), re-created on every page load. It lays out what recorder.py sends and
// reports the author's clicks; all its words come from Python.
//   panel → Python (the binding `send`): {type: "hello"} → the state to show; {type: "finish"};
//     {type: "cancel"}; {type: "manual", instruction, url, heading}; {type: "manual-end"}
//   Python → panel: window.__autopilotRecording.render(state), the one global name it adds.
// `shared.manual` tells capture.js to record nothing while a manual step is being done.
// Only trusted clicks on its own buttons count; keys typed in it never reach the page.
(send, shared, where) => {
  "use strict";
  if ("__autopilotRecording" in window) return;
  const WIDTH = 340;
  const CSS = `
:host { all: initial !important; display: block !important; position: fixed !important; top: 0 !important;
  right: 0 !important; bottom: 0 !important; width: ${WIDTH}px !important; z-index: 2147483647 !important; }
@media print { :host { display: none !important; } }
* { box-sizing: border-box; }
.panel { height: 100%; display: flex; flex-direction: column; background: #fff; color: #161616;
  border-left: 1px solid #929292; box-shadow: -2px 0 10px rgba(0, 0, 18, .16);
  font: 16px/1.5 Marianne, arial, sans-serif; text-align: left; }
h2, h3, p, ul, ol { margin: 0; }
.top { flex: none; background: #6a0f0f; color: #fff; padding: 10px 16px 14px; }
.brand { font-size: 14px; font-weight: 700; }
.live { display: inline-block; margin-top: 6px; padding: 0 8px; border-radius: 4px; background: #fff; color: #6a0f0f;
  font-size: 14px; font-weight: 700; }
.title { margin-top: 8px; font-size: 20px; line-height: 26px; font-weight: 700; overflow-wrap: anywhere; }
.body { flex: 1 1 auto; overflow-y: auto; padding: 16px; }
.help { font-size: 14px; color: #3a3a3a; }
h3 { margin-top: 16px; font-size: 16px; }
ol { padding-left: 22px; margin-top: 4px; }
li { overflow-wrap: anywhere; }
.count { color: #666; font-size: 14px; }
.warnings { margin-top: 16px; padding: 8px 12px; border-left: 4px solid #b34000; background: #fff4f3; font-size: 14px; }
.manual { margin-top: 16px; padding: 8px 12px; border-left: 4px solid #000091; background: #f5f5fe; }
.actions { flex: none; padding: 16px; border-top: 1px solid #ddd; background: #f6f6f6; display: grid; gap: 8px; }
label { font-weight: 700; }
textarea { width: 100%; min-height: 96px; font: inherit; padding: 8px; border: 1px solid #3a3a3a; border-radius: 4px; }
button { font: inherit; line-height: 24px; cursor: pointer; border-radius: 4px; padding: 8px 16px; min-height: 44px;
  width: 100%; text-align: center; }
button:disabled { cursor: not-allowed; opacity: .6; }
.primary { background: #000091; color: #fff; border: 2px solid #000091; font-weight: 700; }
.secondary { background: #fff; color: #000091; border: 1px solid #000091; }
.stop { background: #fff; color: #3a3a3a; border: 1px solid #929292; font-size: 14px; min-height: 36px; }
:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
`;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);

  let state = null;
  let mode = "main"; // main | manual-form | cancel
  let draftInstruction = "";
  let host = null;
  let root = null;

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  };
  const button = (label, kind, onClick) => {
    const node = el("button", { type: "button", class: kind }, label);
    node.addEventListener("click", (event) => {
      if (event.isTrusted) onClick(); // a page script's element.click() is not the author
    });
    return node;
  };
  const tell = (message) => send(message).then((next) => next && render(next), () => {});

  function ensureHost() {
    if (host) {
      if (!host.isConnected) document.documentElement.append(host);
      return;
    }
    host = el("autopilot-recorder", { "data-autopilot-panel": true });
    root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet];
    for (const type of ["keydown", "keyup", "keypress", "input", "change", "click", "mousedown", "mouseup"]) {
      root.addEventListener(type, (event) => event.stopPropagation());
    }
    document.documentElement.append(host);
    document.documentElement.style.setProperty("margin-right", `${WIDTH}px`, "important");
    new MutationObserver(() => {
      if (!host.isConnected) document.documentElement.append(host);
    }).observe(document.documentElement, { childList: true });
  }

  function actions(t) {
    if (state.ended) return null;
    const box = el("div", { class: "actions" });
    if (mode === "cancel") {
      box.append(el("p", {}, t.cancelQuestion),
        button(t.cancelConfirm, "primary", () => tell({ type: "cancel" })),
        button(t.cancelBack, "secondary", () => { mode = "main"; draw(); }));
      return box;
    }
    if (mode === "manual-form") {
      const field = el("textarea", { id: "ap-instruction" });
      field.value = draftInstruction;
      field.addEventListener("input", () => { draftInstruction = field.value; });
      const save = button(t.manualSave, "primary", () => {
        const instruction = draftInstruction.trim();
        if (!instruction) return field.focus();
        shared.manual = true;
        mode = "main";
        draftInstruction = "";
        tell({ type: "manual", instruction, ...where() });
      });
      box.append(el("label", { for: "ap-instruction" }, t.manualLabel), el("p", { class: "help" }, t.manualHelp), field,
        save, button(t.manualBack, "secondary", () => { mode = "main"; draw(); }));
      return box;
    }
    if (state.manual) box.append(button(t.manualEnd, "primary", () => tell({ type: "manual-end" })));
    box.append(button(t.finish, state.manual ? "secondary" : "primary", () => tell({ type: "finish" })));
    if (!state.manual) box.append(button(t.manual, "secondary", () => { mode = "manual-form"; draw(); }));
    box.append(button(t.cancel, "stop", () => { mode = "cancel"; draw(); }));
    return box;
  }

  function draw() {
    if (!state || !document.documentElement) return;
    ensureHost();
    const t = state.texts;
    const pages = state.pages.map((p) => el("li", {}, p.title, " ", el("span", { class: "count" }, p.count)));
    root.replaceChildren(el("aside", { class: "panel", role: "complementary", "aria-label": t.landmark, lang: "fr" },
      el("div", { class: "top" },
        el("p", { class: "brand" }, t.brand),
        el("p", { class: "live" }, state.ended ? t.ended : t.live),
        el("h2", { class: "title" }, state.title)),
      el("div", { class: "body" },
        el("p", { class: "help" }, state.ended || t.help),
        state.manual && el("div", { class: "manual", role: "status" }, el("p", {}, t.manualActive), el("p", {}, state.manual)),
        el("h3", {}, t.pagesTitle),
        pages.length ? el("ol", {}, pages) : el("p", { class: "help" }, t.noPage),
        state.warnings.length > 0 && el("div", { class: "warnings" }, el("p", {}, t.warningsTitle),
          el("ul", {}, state.warnings.map((w) => el("li", {}, w))))),
      actions(t)));
  }

  function render(next) {
    if (!next || (state && next.seq < state.seq)) return;
    state = next;
    shared.manual = Boolean(state.manual);
    if (state.ended) mode = "main";
    draw();
  }

  Object.defineProperty(window, "__autopilotRecording", {
    value: Object.freeze({ render }), enumerable: false, configurable: false, writable: false,
  });
  tell({ type: "hello" });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw, { once: true });
  else draw();
}
