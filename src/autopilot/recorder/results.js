// The values the page shows, read when the recording ends: what the author may keep as outputs.
// One function of `dom` (engine/dom.js: what a person sees, a label's own words). It returns
// [[label, value]] for what reads as a label and its value on the visible page (outside the
// panel): a <dt> and its <dd>; a heading (h2–h6) and the short text right after it; a short
// label element (span, strong, b, th) and the value beside it; a « Label : valeur » line.
// A label met twice on the page, or a value as long as a sentence, is left out: replayed, each
// must be read exactly once (the engine reads a label exactly: « Déclaré volé » is not « Déclaré volée »).
(dom) => {
  const MAX_VALUE = 60;
  const text = (el) => dom.clean(el.innerText || "");
  const seen = (el) => !dom.inPanel(el) && dom.shown(el);
  const heading = (el) => /^H[1-6]$/.test(el.tagName) || el.getAttribute("role") === "heading";
  const pairs = [];
  const add = (label, value) => {
    label = label.replace(/\s*:$/, "");
    if (label && value && value.length <= MAX_VALUE && label !== value && !value.includes("\n")) pairs.push([label, value]);
  };
  const body = document.body;
  for (const dt of body.querySelectorAll("dt")) {
    const dd = dt.nextElementSibling;
    if (seen(dt) && dd && dd.tagName === "DD") add(text(dt), text(dd));
  }
  for (const h of body.querySelectorAll("h2, h3, h4, h5, h6")) {
    const next = h.nextElementSibling;
    if (seen(h) && next && seen(next) && !heading(next) && !next.querySelector("h1, h2, h3, h4, h5, h6, input, button")) {
      add(text(h), text(next));
    }
  }
  for (const el of body.querySelectorAll("span, strong, b, th")) {
    const next = el.nextElementSibling;
    if (seen(el) && !el.children.length && next && seen(next) && !next.children.length && !el.closest("label, button, a")) {
      add(text(el), text(next));
    }
  }
  for (const el of body.querySelectorAll("p, li")) {
    const parts = text(el).split(" : ");
    if (seen(el) && !el.children.length && parts.length === 2 && parts[0].length <= 60) add(parts[0], parts[1]);
  }
  const count = (label) => pairs.filter(([l]) => dom.norm(l) === dom.norm(label)).length;
  return pairs.filter(([label]) => count(label) === 1);
}
