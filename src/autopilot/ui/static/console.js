// The console's few behaviours: the search filters as you type (no network); Enter in a field
// never submits the citizen's form (only its buttons do); the start button works once; the
// récapitulatif opens in the print dialog; a refused form brings the error summary into view; an
// input that applies only to some answers (`data-when`, « Référence de la déclaration de vol »
// for a theft) shows only with them — hidden, its fields are disabled and not sent.
(() => {
  "use strict";

  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();

  function search() {
    const box = document.getElementById("recherche");
    if (!box) return;
    const status = document.getElementById("recherche-resultat");
    const none = document.getElementById("aucune");
    const cards = [...document.querySelectorAll("[data-search]")];
    const filter = () => {
      const words = fold(box.value).split(" ").filter(Boolean);
      let shown = 0;
      for (const card of cards) {
        const hit = words.every((word) => card.dataset.search.includes(word));
        card.hidden = !hit;
        if (hit) shown += 1;
      }
      for (const section of document.querySelectorAll("[data-category]")) {
        section.hidden = !section.querySelector("[data-search]:not([hidden])");
      }
      none.hidden = shown > 0;
      status.textContent = words.length === 0 ? "" : shown === 0 ? "Aucune démarche trouvée."
        : shown === 1 ? "1 démarche trouvée." : `${shown} démarches trouvées.`;
    };
    box.addEventListener("input", filter);
    filter();
  }

  function form() {
    const citizen = document.querySelector("form[data-no-enter]");
    if (!citizen) return;
    citizen.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key === "Enter" && target.matches("input:not([type=submit]):not([type=button])")) {
        event.preventDefault();
      }
    });
    citizen.addEventListener("submit", (event) => {
      const once = event.submitter && event.submitter.matches("[data-once]") ? event.submitter : null;
      if (!once) return;
      if (once.dataset.sent) {
        event.preventDefault();
        return;
      }
      once.dataset.sent = "1";
      once.setAttribute("aria-disabled", "true");
    });
    const errors = document.getElementById("erreurs");
    if (errors) errors.focus();
  }

  function conditional() {
    const citizen = document.querySelector("form[data-no-enter]");
    const dependent = [...document.querySelectorAll("[data-when]")];
    if (!citizen || !dependent.length) return;
    const answer = (name) => {
      const fields = [...citizen.elements].filter((el) => el.name === name && !el.disabled);
      const chosen = fields.find((el) => (el.type === "radio" || el.type === "checkbox") ? el.checked
        : el.value.trim() !== "");
      return chosen ? chosen.value : null;
    };
    const holds = (c) => {
      const value = answer(c.input);
      const result = c.values ? value !== null && c.values.includes(value) : value !== null;
      return result !== c.negate;
    };
    const update = () => {
      for (const section of dependent) {
        const shown = JSON.parse(section.dataset.when).every(holds);
        section.hidden = !shown;
        for (const el of section.querySelectorAll("input, select, textarea")) el.disabled = !shown;
      }
    };
    citizen.addEventListener("change", update);
    update();
  }

  function print() {
    for (const link of document.querySelectorAll("a[data-print]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        document.querySelectorAll("iframe.print-frame").forEach((old) => old.remove());
        const frame = document.createElement("iframe");
        frame.className = "print-frame";
        frame.title = "Récapitulatif à imprimer";
        frame.style.cssText = "position:fixed;width:1px;height:1px;border:0;opacity:0;bottom:0;right:0";
        frame.addEventListener("load", () => {
          try {
            frame.contentWindow.focus();
            frame.contentWindow.print();
          } catch (error) {
            window.open(link.href, "_blank");  // the PDF viewer has its own « Imprimer »
          }
        }, { once: true });
        frame.src = link.href;
        document.body.append(frame);
      });
    }
  }

  search();
  form();
  conditional();
  print();
})();
