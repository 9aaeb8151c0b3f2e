// autopilot's panel: a sidebar docked on the right of the teleservice, in an open shadow root,
// re-created by this init script on every page load. It only renders: panel.py sends
// display-ready French state, the panel sends back what the mediator clicked.
//
//   panel → Python, through the Playwright binding (captured here, then removed from window
//   so that the site's own scripts cannot call it):
//     {type: "hello"}                                   → the state to show, or null
//     {type: "decision", token, decision, confirmed, mac}  a trusted click on a decision button
//     {type: "pick", token, choice, mac}                a trusted click on a scan to attach
//     {type: "collapse", collapsed}                     the mediator folded or unfolded the panel
//   Python → panel:
//     window.__autopilot.render(state)                  the one global name the panel adds
//
// Only trusted clicks on the panel's own buttons decide: no keyboard listener on the page,
// so Enter typed in a site's field can never approve anything.
//
// The site's scripts run in this same world and can rewrite any built-in after this script
// (docs/adr/0008-trust-boundaries.md). So the panel keeps pristine references taken now, before
// any of them runs, and registers and checks its listeners only through them: a hooked
// addEventListener never sees a handler, a forged {isTrusted: true} fails the real getter's brand
// check, a replayed trusted event is not at its target. Playwright's binding can be reached from
// the page (its controller is a global), so every decision carries an HMAC-SHA256 under a key that
// panel.py writes into this script (KEY below) and that lives only in this closure; the hash is
// computed here in plain arithmetic, with no built-in the page could hook.
(() => {
  "use strict";
  const apply = Reflect.apply;
  const addListener = EventTarget.prototype.addEventListener;
  const trustedGetter = Object.getOwnPropertyDescriptor(new Event("autopilot"), "isTrusted").get;
  const currentTargetGetter = Object.getOwnPropertyDescriptor(Event.prototype, "currentTarget").get;
  const phaseGetter = Object.getOwnPropertyDescriptor(Event.prototype, "eventPhase").get;
  const charCode = String.prototype.charCodeAt;
  const Bytes = Uint8Array;
  const Words = Int32Array;
  const KEY = /*KEY*/ null; // 32 numbers written by panel.py; null: this panel cannot decide
  const send = window.__autopilotPanel;
  try {
    delete window.__autopilotPanel;
  } catch (error) {
    // not configurable: nothing more to hide
  }
  if (window.top !== window || typeof send !== "function" || "__autopilot" in window) return;

  function listen(target, type, handler, options) {
    apply(addListener, target, [type, handler, options]);
  }

  // A real click of the mediator on `node` itself, as this listener of `node` receives it.
  function clickedByHand(event, node) {
    try {
      return apply(trustedGetter, event, []) === true && apply(currentTargetGetter, event, []) === node
        && apply(phaseGetter, event, []) === 2; // Event.AT_TARGET
    } catch (error) {
      return false; // not a real event
    }
  }

  const ROUND = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  const START = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const HEX = "0123456789abcdef";

  function utf8(text) {
    const out = new Bytes(text.length * 3);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      let c = apply(charCode, text, [i]);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        const low = apply(charCode, text, [i + 1]);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (c < 0x80) {
        out[n++] = c;
      } else if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      } else {
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      }
    }
    return { bytes: out, length: n };
  }

  function sha256(data, length) {
    const total = ((length + 9 + 63) >> 6) << 6;
    const m = new Bytes(total);
    for (let i = 0; i < length; i++) m[i] = data[i];
    m[length] = 0x80;
    const bits = length * 8;
    m[total - 4] = bits >>> 24;
    m[total - 3] = bits >>> 16;
    m[total - 2] = bits >>> 8;
    m[total - 1] = bits;
    const h = new Words(8);
    for (let i = 0; i < 8; i++) h[i] = START[i];
    const w = new Words(64);
    for (let off = 0; off < total; off += 64) {
      for (let t = 0; t < 16; t++) {
        const at = off + 4 * t;
        w[t] = (m[at] << 24) | (m[at + 1] << 16) | (m[at + 2] << 8) | m[at + 3];
      }
      for (let t = 16; t < 64; t++) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      // no destructuring here or below: it goes through the array iterator, which a page can replace
      let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (let t = 0; t < 64; t++) {
        const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (k + s1 + ((e & f) ^ (~e & g)) + ROUND[t] + w[t]) | 0;
        const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h[0] += a;
      h[1] += b;
      h[2] += c;
      h[3] += d;
      h[4] += e;
      h[5] += f;
      h[6] += g;
      h[7] += k;
    }
    const out = new Bytes(32);
    for (let i = 0; i < 8; i++) {
      out[4 * i] = h[i] >>> 24;
      out[4 * i + 1] = h[i] >>> 16;
      out[4 * i + 2] = h[i] >>> 8;
      out[4 * i + 3] = h[i];
    }
    return out;
  }

  // HMAC-SHA256 of `text` under KEY, in hex, as panel.py checks it.
  function mac(text) {
    if (KEY === null) return "";
    const encoded = utf8(text);
    const message = encoded.bytes;
    const n = encoded.length;
    const inner = new Bytes(64 + n);
    const outer = new Bytes(96);
    for (let i = 0; i < 64; i++) {
      const byte = i < KEY.length ? KEY[i] : 0;
      inner[i] = byte ^ 0x36;
      outer[i] = byte ^ 0x5c;
    }
    for (let i = 0; i < n; i++) inner[64 + i] = message[i];
    const first = sha256(inner, 64 + n);
    for (let i = 0; i < 32; i++) outer[64 + i] = first[i];
    const digest = sha256(outer, 96);
    let hex = "";
    for (let i = 0; i < 32; i++) hex += HEX[digest[i] >> 4] + HEX[digest[i] & 15];
    return hex;
  }

  const WIDTH = 360; // px reserved on the right while the panel is open
  const NARROW = 300; // the least it takes, when the window cannot give the site its width and WIDTH
  const TAB = 48; // px reserved while it is folded to a tab
  // The site keeps DSFR's large layout (lg: 62em = 992 px) beside the panel when the window allows:
  // the panel narrows first (docs/teleservices.md §9.10).
  const SITE_WIDTH = 992;
  const openWidth = () => Math.max(NARROW, Math.min(WIDTH, window.innerWidth - SITE_WIDTH));

  const CSS = `
:host {
  all: initial !important;
  display: block !important;
  position: fixed !important;
  top: 0 !important;
  right: 0 !important;
  bottom: 0 !important;
  width: ${WIDTH}px !important;
  z-index: 2147483647 !important;
}
:host([data-state="collapsed"]) { width: ${TAB}px !important; }
@media print { :host { display: none !important; } }
* { box-sizing: border-box; }
.panel {
  height: 100%; display: flex; flex-direction: column;
  background: #fff; color: #161616; border-left: 1px solid #929292;
  box-shadow: -2px 0 10px rgba(0, 0, 18, 0.16);
  font: 16px/1.5 Marianne, arial, sans-serif; text-align: left;
}
h2, h3, p, ul, dl, dd { margin: 0; }
.top { flex: none; background: #000091; color: #fff; padding: 10px 16px 14px; }
.top-row { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.brand { font-size: 14px; font-weight: 700; letter-spacing: 0.02em; }
.flow { margin-top: 8px; font-size: 20px; line-height: 26px; font-weight: 700; }
.progress-text { margin-top: 8px; font-size: 14px; }
.track { margin-top: 4px; height: 8px; border-radius: 4px; background: #4a4ab0; overflow: hidden; }
.bar { height: 100%; background: #fff; }
.body { flex: 1 1 auto; overflow-y: auto; padding: 16px; }
.moment {
  display: inline-block; padding: 0 8px; border: 1px solid currentColor; border-radius: 4px;
  font-size: 14px; font-weight: 700; line-height: 24px;
}
.moment-review { color: #000091; background: #ececfe; }
.moment-manual { color: #716043; background: #fef6e3; }
.moment-blocked { color: #ce0500; background: #fff4f4; }
.moment-takeover { color: #3a3a3a; background: #eee; }
.moment-done { color: #18753c; background: #dffee6; }
.step { margin-top: 8px; font-size: 22px; line-height: 28px; font-weight: 700; }
.message { margin-top: 8px; }
.notice { margin-top: 12px; padding: 8px 12px; border-left: 4px solid #000091; background: #f5f5fe; }
.alert { margin-top: 12px; padding: 8px 12px; border: 1px solid #ce0500; border-left-width: 6px; }
.alert-title { color: #ce0500; font-weight: 700; }
.alert ul { padding-left: 20px; }
table { width: 100%; margin-top: 16px; border-collapse: collapse; }
caption { text-align: left; font-weight: 700; padding-bottom: 4px; }
th, td { text-align: left; vertical-align: top; padding: 8px 4px; border-bottom: 1px solid #ddd; }
thead th { font-size: 14px; color: #3a3a3a; border-bottom: 2px solid #000091; }
tbody th { font-weight: 400; width: 40%; overflow-wrap: anywhere; }
.value { font-weight: 700; overflow-wrap: anywhere; }
.source { font-size: 14px; color: #666; overflow-wrap: anywhere; }
.differs {
  margin-top: 6px; padding: 4px 8px; border-left: 4px solid #b34000; background: #fff4f3;
  font-size: 14px; overflow-wrap: anywhere;
}
.mismatch { margin-top: 12px; font-size: 16px; font-weight: 700; }
.hidden-note { margin-top: 12px; font-style: italic; color: #3a3a3a; }
.outputs { margin-top: 16px; padding: 12px; border: 2px solid #18753c; border-radius: 4px; }
.outputs h3 { font-size: 18px; }
.outputs dt { margin-top: 8px; color: #3a3a3a; }
.outputs dd.reference {
  font: 700 28px/36px "Courier New", monospace; color: #000091; overflow-wrap: anywhere;
  user-select: all; -webkit-user-select: all; cursor: text;
}
.outputs dd.sentence { font-size: 18px; font-weight: 700; overflow-wrap: anywhere; }
.actions { flex: none; padding: 16px; border-top: 1px solid #ddd; background: #f6f6f6; }
.choices { display: grid; gap: 8px; }
button {
  font: inherit; line-height: 24px; cursor: pointer; border-radius: 4px; padding: 8px 16px;
  min-height: 44px; width: 100%; text-align: center;
}
button:disabled { cursor: not-allowed; }
.primary { background: #000091; color: #fff; border: 2px solid #000091; font-weight: 700; }
.primary:hover:enabled { background: #1212ff; border-color: #1212ff; }
.secondary { background: #fff; color: #000091; border: 1px solid #000091; }
.secondary:hover:enabled { background: #ececfe; }
.stop { margin-top: 16px; padding-top: 12px; border-top: 1px dashed #929292; }
.stop button {
  width: auto; min-height: 36px; padding: 4px 12px; font-size: 14px;
  background: #fff; color: #3a3a3a; border: 1px solid #929292;
}
.stop button:hover:enabled { background: #eee; }
.toggle {
  width: auto; min-height: 32px; padding: 2px 10px; font-size: 14px;
  background: transparent; color: #fff; border: 1px solid #fff;
}
.gate { padding: 12px; border: 2px solid #b34000; border-radius: 4px; background: #fff; }
.gate h3 { font-size: 18px; color: #b34000; }
.gate p { margin: 4px 0 12px; }
.sent { margin-top: 8px; font-weight: 700; }
.stop-gate { margin-top: 16px; border-color: #ce0500; }
.stop-gate h3 { color: #ce0500; }
.stop-confirm { background: #ce0500; color: #fff; border: 2px solid #ce0500; font-weight: 700; }
:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
.body:focus-visible { outline-offset: -3px; }
.top :focus-visible, .collapsed :focus-visible { outline-color: #fff; }
.collapsed { align-items: center; gap: 12px; padding: 8px 0; background: #000091; color: #fff; }
.collapsed .toggle, .tab-info { writing-mode: vertical-rl; transform: rotate(180deg); }
.collapsed .toggle { width: 36px; padding: 12px 4px; background: #fff; color: #000091; font-weight: 700; }
.tab-info { font-size: 14px; }
.scans { list-style: none; margin: 8px 0 0; padding: 0; }
.scans li { margin: 0 0 6px; }
.scans button { width: 100%; text-align: left; overflow-wrap: anywhere; }
.sr-only {
  position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
`;

  const sheet = new CSSStyleSheet(); // adopted, not a <style>: a strict style-src CSP allows it
  sheet.replaceSync(CSS);

  let state = null; // the last state Python sent
  let collapsed = false; // taken from Python on the first render of this document, then local
  let confirming = false; // the gate's confirmation box is open
  let stopping = false; // « Arrêter la démarche » asks its second click
  let sentToken = null; // a decision was sent for this token: buttons disabled
  let ready = false; // the document has an element to attach the panel to
  let host = null;
  let root = null;
  let live = null;
  let savedMargin = null;
  let armedAt = 0; // performance.now() from which decision buttons accept clicks
  let armTimer = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function button(label, kind, focusKey, onClick, decides = true) {
    const node = el("button", { type: "button", class: kind, "data-focus": focusKey, "data-decides": decides }, label);
    listen(node, "click", (event) => {
      if (clickedByHand(event, node)) onClick(); // a page script's element.click() is not the mediator
    });
    return node;
  }

  function reserve(px) {
    const style = document.documentElement.style;
    if (savedMargin === null) {
      savedMargin = [style.getPropertyValue("margin-right"), style.getPropertyPriority("margin-right")];
    }
    style.setProperty("margin-right", `${px}px`, "important");
  }

  function release() {
    if (savedMargin === null) return;
    document.documentElement.style.setProperty("margin-right", savedMargin[0], savedMargin[1]);
    savedMargin = null;
  }

  function ensureHost() {
    if (host) {
      if (!host.isConnected) document.documentElement.append(host);
      return;
    }
    host = el("autopilot-panel", { "data-autopilot-panel": true });
    root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet];
    live = el("div", { class: "sr-only", "aria-live": "polite" });
    // The page must not see keys or clicks meant for the panel (a site handler for Enter...).
    for (const type of ["keydown", "keyup", "keypress", "click", "mousedown", "mouseup"]) {
      listen(root, type, (event) => event.stopPropagation());
    }
    document.documentElement.append(host);
    // Some pages rewrite the document's children: put the panel back.
    new MutationObserver(() => {
      if (!host.isConnected) document.documentElement.append(host);
    }).observe(document.documentElement, { childList: true });
  }

  function choose(decision, confirmed) {
    if (!state || sentToken === state.token) return;
    sentToken = state.token;
    draw("sent");
    const signed = mac(`decision\n${state.token}\n${decision}\n${confirmed === true}`);
    send({ type: "decision", token: state.token, decision, confirmed: confirmed === true, mac: signed }).catch(() => {});
  }

  function pickScan(name) {
    if (!state || sentToken === state.token) return;
    sentToken = state.token;
    draw("sent");
    send({ type: "pick", token: state.token, choice: name, mac: mac(`pick\n${state.token}\n${name}`) }).catch(() => {});
  }

  function scanChoices(s, t) {
    if (!s.choices.length || !s.buttons.length) return null;
    const list = el("ul", { class: "scans" }, s.choices.map((name) =>
      el("li", {}, button(name, "secondary scan", `scan-${name}`, () => pickScan(name)))));
    if (sentToken === s.token) for (const node of list.querySelectorAll("button")) node.disabled = true;
    return el("section", { "aria-labelledby": "ap-scans" }, el("h3", { id: "ap-scans" }, s.choicesTitle || t.scansTitle), list);
  }

  function onButton(item) {
    if (item.decision === "approve" && state.gate && !confirming) {
      confirming = true;
      armedAt = performance.now() + state.armMs;
      draw("gate");
      return;
    }
    choose(item.decision, false);
  }

  function onStop(item) {
    if (!state.stopGate) {
      choose(item.decision, false);
      return;
    }
    stopping = true;
    armedAt = performance.now() + state.armMs; // a double click does not confirm at once
    draw("stop-gate");
  }

  function toggle(fold) {
    collapsed = fold;
    draw(fold ? "expand" : "collapse");
    send({ type: "collapse", collapsed: fold }).catch(() => {});
  }

  // The step as the mediator counts it: the site's own DSFR stepper (« Étape 2 sur 6 ») when the page
  // shows one, else the flow's step, said as autopilot's progress (« Avancement : 3 sur 9 »), not as a
  // step the site would number. Only numbers are taken from the page; the words are panel.py's.
  function counted(s, t) {
    let { index, total } = s.progress;
    let words = t.flowStepOf;
    const stepper = [...document.querySelectorAll(".fr-stepper__state")].find((node) => !node.closest("autopilot-panel"));
    const found = stepper && /(\d+)\D+(\d+)/.exec(stepper.textContent || "");
    if (found && Number(found[1]) >= 1 && Number(found[1]) <= Number(found[2])) {
      index = Number(found[1]);
      total = Number(found[2]);
      words = t.stepOf;
    }
    const fill = (template) => template.replace("{index}", index).replace("{total}", total);
    return { index, total, text: fill(words), short: fill(t.stepShort) };
  }

  function progress(s, t) {
    const { index, total, text } = counted(s, t);
    const bar = el("div", { class: "bar" });
    bar.style.width = `${total > 0 ? Math.round((100 * index) / total) : 0}%`;
    return [
      el("p", { class: "progress-text", id: "ap-progress" }, text),
      el("div", {
        class: "track", role: "progressbar", "aria-label": t.progressLabel,
        "aria-valuemin": 0, "aria-valuemax": total, "aria-valuenow": index, "aria-valuetext": text,
      }, bar),
    ];
  }

  function fieldsTable(s, t) {
    if (s.fieldsHidden) return el("p", { class: "hidden-note" }, s.fieldsHidden);
    if (!s.fields.length) return null;
    const rows = s.fields.map((f) => {
      const value = f.secret
        ? [el("span", { "aria-hidden": "true" }, f.value), el("span", { class: "sr-only" }, t.masked)]
        : f.value || t.empty;
      return el("tr", {},
        el("th", { scope: "row" }, f.label),
        el("td", {},
          el("div", { class: "value" }, value),
          el("div", { class: "source" }, t.source + f.source),
          f.differs && el("p", { class: "differs" }, el("span", { "aria-hidden": "true" }, "⚠ "), f.differs)));
    });
    return el("table", {},
      el("caption", {}, t.fieldsCaption),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, t.fieldHeader), el("th", { scope: "col" }, t.valueHeader))),
      el("tbody", {}, rows));
  }

  function outputs(s, t) {
    if (!s.outputs.length) return null;
    return el("section", { class: "outputs", "aria-labelledby": "ap-outputs" },
      el("h3", { id: "ap-outputs" }, t.outputsTitle),
      el("dl", {}, s.outputs.map((o) => el("div", {}, el("dt", {}, o.label), el("dd", { class: o.kind }, o.value)))));
  }

  function actions(s, t) {
    if (!s.buttons.length) return null;
    const footer = el("div", { class: "actions" });
    const main = s.buttons.filter((b) => b.kind !== "stop");
    const stop = s.buttons.filter((b) => b.kind === "stop");
    if (confirming) {
      footer.append(el("section", { class: "gate", "aria-labelledby": "ap-gate" },
        el("h3", { id: "ap-gate", tabindex: "-1", "data-focus": "gate" }, s.gate.title),
        el("p", {}, s.gate.text),
        el("div", { class: "choices" },
          button(s.gate.confirm, "primary", "confirm", () => choose("approve", true)),
          button(s.gate.cancel, "secondary", "cancel", () => {
            confirming = false;
            draw("approve");
          }, false))));
    } else if (main.length) {
      footer.append(el("div", { class: "choices" },
        main.map((b) => button(b.label, b.kind, b.decision, () => onButton(b)))));
    }
    if (stop.length && stopping && s.stopGate) {
      footer.append(el("section", { class: "gate stop-gate", "aria-labelledby": "ap-stop" },
        el("h3", { id: "ap-stop", tabindex: "-1", "data-focus": "stop-gate" }, s.stopGate.title),
        el("p", {}, s.stopGate.text),
        el("div", { class: "choices" },
          button(s.stopGate.confirm, "stop-confirm", "stop-confirm", () => choose(stop[0].decision, false)),
          button(s.stopGate.cancel, "secondary", "stop-cancel", () => {
            stopping = false;
            draw(stop[0].decision);
          }, false))));
    } else if (stop.length) {
      footer.append(el("div", { class: "stop" },
        stop.map((b) => button(b.label, "stop-button", b.decision, () => onStop(b)))));
    }
    if (sentToken === s.token) {
      for (const node of footer.querySelectorAll("button")) node.disabled = true;
      footer.append(el("p", { class: "sent", tabindex: "-1", "data-focus": "sent", role: "status" }, t.sent));
    }
    return footer;
  }

  function expanded(s, t) {
    return el("aside", { class: "panel", role: "complementary", "aria-label": t.landmark, lang: "fr" },
      el("div", { class: "top" },
        el("div", { class: "top-row" },
          el("p", { class: "brand" }, t.brand),
          button(t.collapse, "toggle", "collapse", () => toggle(true), false)),
        el("h2", { class: "flow" }, s.flowTitle),
        progress(s, t)),
      el("div", { class: "body" },
        el("p", { class: `moment moment-${s.moment}` }, s.momentLabel),
        el("h3", { class: "step", tabindex: "-1", "data-focus": "heading" }, s.title),
        s.message && el("p", { class: "message" }, s.message),
        s.notice && el("p", { class: "notice" }, s.notice),
        s.siteErrors.length > 0 && el("div", { class: "alert", role: "alert" },
          el("p", { class: "alert-title" }, t.siteErrors),
          el("ul", {}, s.siteErrors.map((m) => el("li", {}, m)))),
        s.mismatch && el("p", { class: "differs mismatch" }, el("span", { "aria-hidden": "true" }, "⚠ "), s.mismatch),
        fieldsTable(s, t),
        scanChoices(s, t),
        outputs(s, t)),
      actions(s, t));
  }

  function folded(s, t) {
    return el("aside", { class: "panel collapsed", role: "complementary", "aria-label": t.landmark, lang: "fr" },
      button(t.expand, "toggle", "expand", () => toggle(false), false),
      el("p", { class: "tab-info" }, counted(s, t).short),
      s.buttons.length > 0 && sentToken !== s.token && el("p", { class: "tab-info" }, t.waiting));
  }

  function arm() {
    const wait = armedAt - performance.now();
    if (wait <= 0) return;
    const inert = [...root.querySelectorAll("button[data-decides]:enabled")];
    for (const node of inert) node.disabled = true;
    clearTimeout(armTimer);
    armTimer = setTimeout(() => {
      for (const node of inert) node.disabled = false;
    }, wait);
  }

  // Rebuild the panel from `state`; `focus` names what should hold the focus afterwards.
  function draw(focus) {
    if (!ready || !state) return;
    ensureHost();
    const hadFocus = root.activeElement !== null;
    const t = state.texts;
    host.setAttribute("data-state", collapsed ? "collapsed" : "expanded");
    root.replaceChildren(live, collapsed ? folded(state, t) : expanded(state, t));
    const width = collapsed ? TAB : openWidth();
    host.style.setProperty("width", `${width}px`, "important");
    reserve(width);
    arm();
    if (focus || hadFocus) {
      const wanted = root.querySelector(`[data-focus="${focus || "heading"}"]`)
        || root.querySelector('[data-focus="heading"], [data-focus="expand"]');
      if (wanted) wanted.focus();
    }
  }

  function render(next) {
    if (!next || (state && next.seq < state.seq)) return; // a late answer to an old question
    const fresh = !state || next.token !== state.token;
    if (!state) collapsed = Boolean(next.collapsed);
    state = next;
    if (fresh) {
      confirming = false;
      stopping = false;
      sentToken = null;
      armedAt = performance.now() + next.armMs;
    }
    draw(null);
    if (fresh && live) live.textContent = `${counted(state, state.texts).text} : ${state.announce}`;
  }

  Object.defineProperty(window, "__autopilot", {
    value: Object.freeze({ render }),
    enumerable: false,
    configurable: false,
    writable: false,
  });

  function start() {
    ready = true;
    draw(null);
  }

  send({ type: "hello" }).then(render, () => {});
  if (document.readyState === "loading") {
    listen(document, "DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
  // Printing the site's récapitulatif: no panel, no reserved margin.
  listen(window, "beforeprint", release);
  listen(window, "afterprint", () => draw(null));
  listen(window, "resize", () => draw(null)); // the window resized: the panel's width follows
})();
