// HistoVec's front end, written by hand in plain JavaScript to behave as the real Vue app does
// (docs/teleservices.md §9.1): client-side routes under /histovec (pushState, no page load), the
// plate format picked first on card radios, the holder on a tab list, validation while typing,
// « Rechercher » disabled until the visible form is valid, the report shown under a loader before
// its data, the last search kept in sessionStorage.formData and a userId in localStorage.
(() => {
  'use strict';
  const BASE = '/histovec';
  const API = document.body.dataset.searchApi;
  const CSA = document.body.dataset.csaApi;
  const app = document.getElementById('app');
  const ZW = '\u200b';
  const spaced = (word) => word.split('').join(ZW); // acronyms carry zero-width spaces: S​I​R​E​N

  if (!localStorage.getItem('userId')) {
    const random = () => Math.random().toString(16).slice(2, 10);
    localStorage.setItem('userId', `${random()}-${random()}-${random()}`);
  }

  // -- DOM helpers --------------------------------------------------------------------------------
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else if (name === 'class') el.className = value;
      else el.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) el.append(child);
    }
    return el;
  }

  function put(el, ...children) {
    el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  }

  function navigate(url) {
    history.pushState({}, '', url);
    route();
  }

  function route() {
    const path = location.pathname.replace(/\/+$/, '');
    const params = new URLSearchParams(location.search);
    app.replaceChildren();
    if (path === `${BASE}/proprietaire`) ownerPage();
    else if (path === `${BASE}/rapport-vendeur`) reportPage();
    else if (path === `${BASE}/erreur-inattendue`) {
      errorPage('HistoVec - Erreur inattendue', 'Erreur inattendue',
        'Une erreur inattendue est survenue. Veuillez réessayer ultérieurement.');
    } else if (path === BASE && params.get('errorTitle')) {
      errorPage('HistoVec - Page non trouvée', params.get('errorTitle'), params.get('errorMessage') || '');
    } else if (path === BASE) homePage();
    else errorPage('HistoVec - Page non trouvée', 'Page non trouvée', "La page que vous cherchez n'existe pas.");
  }
  window.addEventListener('popstate', route);

  function homePage() {
    document.title = 'HistoVec - Accueil';
    app.append(h('h1', {}, "L'historique des véhicules d'occasion"),
      h('p', {}, h('a', {href: `${BASE}/proprietaire`, class: 'fr-link', onclick: (e) => {
        e.preventDefault(); navigate(`${BASE}/proprietaire`);
      }}, 'Je suis propriétaire du véhicule')));
  }

  function errorPage(title, heading, text) {
    document.title = title;
    app.append(h('h1', {}, heading), h('p', {class: 'fr-text--lead'}, text),
      h('p', {}, h('a', {href: `${BASE}/proprietaire`, class: 'fr-btn', onclick: (e) => {
        e.preventDefault(); navigate(`${BASE}/proprietaire`);
      }}, "Retour à la page d'accueil")));
  }

  // -- the owner's form ---------------------------------------------------------------------------
  const validDate = (text) => {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
    if (!m) return false;
    const day = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    return day.getDate() === Number(m[1]) && day.getMonth() === Number(m[2]) - 1;
  };
  const FIELDS = {
    nom: {key: 'nom', label: 'Nom de naissance', required: true, help: 'Où le trouver',
      hint: "Rubrique C.1.1 du certificat d'immatriculation", where: 'C.1.1'},
    prenoms: {key: 'prenoms', label: 'Prénom(s)', required: true, help: 'Où le(s) trouver',
      hint: "Tous les prénoms, rubrique C.1.2 du certificat d'immatriculation", where: 'C.1.2'},
    nom_prenoms: {key: 'nom_prenoms', label: 'Nom de naissance et prénom(s)', required: true, help: 'Où les trouver',
      hint: "Tels qu'inscrits en rubrique C.1 du certificat d'immatriculation", where: 'C.1'},
    raison_sociale: {key: 'raison_sociale', label: 'Raison sociale', required: true, help: 'Où la trouver',
      hint: "Telle qu'inscrite en rubrique C.1 du certificat d'immatriculation", where: 'C.1'},
    siren: {key: 'siren', label: `Numéro ${spaced('SIREN')}`, required: false, help: 'Où le trouver',
      hint: `9 chiffres, inscrits sur l'extrait ${spaced('kbis')} de la société`, where: spaced('kbis'),
      valid: (v) => /^\d{9}$/.test(v.replace(/\s/g, '')), message: `Le numéro ${spaced('SIREN')} doit comporter 9 chiffres.`},
    plaque_siv: {key: 'plaque', label: "Numéro d'immatriculation", required: true, help: 'Où le trouver',
      hint: 'Format AA-123-AA', where: 'A', valid: (v) => /^[A-Z]{2}[\s-]?\d{3}[\s-]?[A-Z]{2}$/i.test(v.trim()),
      message: 'Le numéro d\'immatriculation doit respecter le format "AA-123-AA".'},
    plaque_fni: {key: 'plaque', label: "Numéro d'immatriculation", required: true, help: 'Où le trouver',
      hint: 'Format 123-ABC-45', where: 'A',
      valid: (v) => /^\d{1,4}[\s-]?[A-Z]{1,3}[\s-]?(\d{2}|2A|2B|97\d)$/i.test(v.trim()),
      message: 'Le numéro d\'immatriculation doit respecter le format "123-ABC-45".'},
    formule: {key: 'numero_formule', label: 'Numéro de formule', required: true, help: 'Où le trouver',
      hint: 'Format 2013BZ80335', where: 'en bas du certificat, après « N° de formule »',
      valid: (v) => /^\d{4}[A-Z]{2}\d{5}$/i.test(v.trim()),
      message: 'Le numéro de formule doit respecter le format "2013BZ80335".'},
    date_emission: {key: 'date_emission', label: "Date d'émission du certificat d'immatriculation", required: true,
      help: 'Où la trouver', hint: 'Format JJ/MM/AAAA', where: 'I', valid: (v) => validDate(v.trim()),
      message: 'La date doit respecter le format "JJ/MM/AAAA".'},
  };
  const FORMS = {
    siv: {particulier: [['nom', 'prenoms'], ['plaque_siv', 'formule']],
      morale: [['raison_sociale', 'siren'], ['plaque_siv', 'formule']]},
    fni: {particulier: [['nom_prenoms'], ['plaque_fni', 'date_emission']],
      morale: [['raison_sociale', 'siren'], ['plaque_fni', 'date_emission']]},
  };
  const CARDS = [
    ['siv', 'Immatriculation depuis 2009', 'plaque-siv.svg'],
    ['fni', 'Immatriculation avant 2009', 'plaque-fni.svg'],
    ['ancienne', 'Immatriculation avant 1995', 'plaque-ancienne.svg'],
  ];
  const HOLDERS = [['particulier', 'Particulier'], ['morale', 'Personne morale']];

  function ownerPage() {
    document.title = 'HistoVec - Propriétaire';
    const saved = JSON.parse(sessionStorage.getItem('formData') || 'null');
    const zone = h('div', {id: 'formulaire'});
    const cards = CARDS.map(([value, text, image]) => h('div', {class: 'fr-fieldset__element fr-fieldset__element--inline'},
      h('div', {class: 'fr-radio-group fr-radio-rich'},
        h('input', {type: 'radio', id: `plaque-${value}`, name: 'typeImmatriculation', value,
          checked: saved && saved.type_immatriculation === value,
          onchange: () => showForm(zone, value, null)}),
        h('label', {class: 'fr-label', for: `plaque-${value}`}, text,
          h('span', {class: 'fr-radio-rich__img'}, h('img', {src: `/static/histovec/${image}`, alt: ''}))))));
    app.append(
      h('h1', {}, 'Rassurez vos acheteurs potentiels'),
      h('h2', {}, "Partagez l'historique de votre véhicule"),
      h('h3', {}, "Veuillez sélectionner le format d'immatriculation de votre véhicule"),
      h('fieldset', {class: 'fr-fieldset', id: 'format-plaque', 'aria-labelledby': 'format-plaque-legend'},
        h('legend', {class: 'fr-fieldset__legend fr-fieldset__legend--regular', id: 'format-plaque-legend'},
          "Sélectionner le type de votre plaque d'immatriculation :"), cards),
      zone, helpModal());
    if (saved) showForm(zone, saved.type_immatriculation, saved);
  }

  function showForm(zone, plate, saved) {
    zone.replaceChildren();
    if (plate === 'ancienne') {
      zone.append(h('div', {class: 'fr-alert fr-alert--info fr-mt-4w'},
        h('h3', {class: 'fr-alert__title'}, 'Votre véhicule a été immatriculé avant 1995'),
        h('p', {}, `HistoVec ne dispose pas de l'historique de ce véhicule. Le certificat de situation administrative est délivré par le site de l'${spaced('ANTS')}.`),
        h('a', {class: 'fr-link', href: 'https://siv.interieur.gouv.fr/map-usg-ui/do/accueil_certificat',
          target: '_blank', rel: 'noopener'}, 'Obtenir un certificat de situation administrative')));
      return;
    }
    const holder = saved ? saved.type_personne : 'particulier';
    const tabs = HOLDERS.map(([value, text]) => h('li', {role: 'presentation'},
      h('button', {type: 'button', class: 'fr-tabs__tab', id: `tab-${value}`, role: 'tab',
        'aria-selected': String(value === holder), tabindex: value === holder ? '0' : '-1',
        'aria-controls': `panel-${value}`, onclick: () => selectTab(zone, value)}, text)));
    const panels = HOLDERS.map(([value]) => holderPanel(plate, value, value === holder,
      saved && saved.type_personne === value ? saved.values : {}));
    zone.append(h('div', {class: 'fr-tabs fr-mt-4w'},
      h('ul', {class: 'fr-tabs__list', role: 'tablist', 'aria-label': 'Type de titulaire'}, tabs), panels));
  }

  function selectTab(zone, holder) {
    for (const tab of zone.querySelectorAll('[role=tab]')) {
      const on = tab.id === `tab-${holder}`;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const panel of zone.querySelectorAll('[role=tabpanel]')) {
      panel.classList.toggle('fr-tabs__panel--selected', panel.id === `panel-${holder}`);
    }
  }

  function holderPanel(plate, holder, selected, values) {
    const inputs = [];
    const search = h('button', {type: 'button', class: 'fr-btn', disabled: true}, 'Rechercher');
    const refresh = () => { search.disabled = !inputs.every((i) => i.valid()); };
    const groups = FORMS[plate][holder].map((names, index) => [
      h('p', {class: 'fr-text--bold fr-mb-2w'}, index === 0 ? 'Titulaire' : "Certificat d'immatriculation"),
      names.map((name) => {
        const field = fieldGroup(`${plate}-${holder}-${name}`, FIELDS[name], values[FIELDS[name].key] || '', refresh);
        inputs.push(field);
        return field.element;
      }),
    ]);
    refresh();
    search.addEventListener('click', () => {
      const entered = Object.fromEntries(inputs.map((i) => [i.spec.key, i.input.value.trim()]));
      sessionStorage.setItem('formData', JSON.stringify(
        {type_immatriculation: plate, type_personne: holder, values: entered}));
      navigate(`${BASE}/rapport-vendeur`);
    });
    const clear = h('button', {type: 'button', class: 'fr-btn fr-btn--secondary', onclick: () => {
      inputs.forEach((i) => i.reset());
      refresh();
    }}, 'Effacer');
    return h('div', {id: `panel-${holder}`, role: 'tabpanel', 'aria-labelledby': `tab-${holder}`, tabindex: '0',
      class: `fr-tabs__panel${selected ? ' fr-tabs__panel--selected' : ''}`}, groups,
      h('ul', {class: 'fr-btns-group fr-btns-group--inline fr-mt-4w'}, h('li', {}, search), h('li', {}, clear)));
  }

  function fieldGroup(id, spec, value, changed) {
    const messages = h('div', {class: 'fr-messages-group', id: `${id}-messages`, 'aria-live': 'polite'});
    const input = h('input', {class: 'fr-input', type: 'text', id, name: spec.key, autocomplete: 'off',
      'aria-describedby': `${id}-messages`});
    input.value = value;
    const help = h('span', {role: 'button', tabindex: '0', class: 'fr-link fr-link--sm histovec-aide',
      onclick: (e) => { e.preventDefault(); openHelp(spec); },
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openHelp(spec); } }},
    spec.help);
    const label = h('label', {class: 'fr-label', for: id}, spec.label, spec.required ? h('em', {}, ' *') : null,
      ' ', help, h('span', {class: 'fr-hint-text'}, spec.hint));
    const group = h('div', {class: 'fr-input-group'}, label, input, messages);
    let touched = Boolean(value);
    const problem = () => {
      const text = input.value.trim();
      if (!text) return spec.required ? 'Ce champ est obligatoire.' : null;
      return spec.valid && !spec.valid(text) ? spec.message : null;
    };
    const show = () => {
      const wrong = problem();
      // An empty required input is aria-invalid from the start; its message waits for typing.
      if (wrong) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      const said = wrong && touched ? wrong : null;
      group.classList.toggle('fr-input-group--error', Boolean(said));
      input.classList.toggle('fr-input--error', Boolean(said));
      messages.replaceChildren(...(said ? [h('p', {class: 'fr-message fr-message--error', id: `${id}-error`}, said)] : []));
    };
    input.addEventListener('input', () => { touched = true; show(); changed(); });
    show();
    return {element: group, input, spec, valid: () => !problem(),
      reset: () => { input.value = ''; touched = false; show(); }};
  }

  function helpModal() {
    return h('dialog', {id: 'modal-aide', class: 'fr-modal', role: 'dialog', 'aria-labelledby': 'modal-aide-titre'},
      h('div', {class: 'fr-container fr-container--fluid fr-container-md'},
        h('div', {class: 'fr-grid-row fr-grid-row--center'}, h('div', {class: 'fr-col-12 fr-col-md-8'},
          h('div', {class: 'fr-modal__body'},
            h('div', {class: 'fr-modal__header'}, h('button', {type: 'button', class: 'fr-btn--close fr-btn',
              title: 'Fermer', onclick: closeHelp}, 'Fermer')),
            h('div', {class: 'fr-modal__content'},
              h('h1', {id: 'modal-aide-titre', class: 'fr-modal__title'}, ''), h('p', {id: 'modal-aide-texte'})))))));
  }

  function openHelp(spec) {
    const modal = document.getElementById('modal-aide');
    modal.querySelector('#modal-aide-titre').textContent = spec.label;
    modal.querySelector('#modal-aide-texte').textContent =
      `Sur le certificat d'immatriculation (carte grise) : ${spec.where}.`;
    modal.setAttribute('open', '');
    modal.classList.add('fr-modal--opened');
  }

  function closeHelp() {
    const modal = document.getElementById('modal-aide');
    modal.classList.remove('fr-modal--opened');
    modal.removeAttribute('open');
  }

  // -- the report -----------------------------------------------------------------------------------
  const REPORT_TABS = [['synthese', 'Synthèse'], ['vehicule', 'Véhicule'], ['titulaire', 'Titulaire et Titre'],
    ['situation', 'Situation administrative'], ['historique', 'Historique']];
  const SITUATION = ['Gages', 'Oppositions', 'Déclarations valant saisie', 'Suspensions'];
  let reportRun = 0;

  function reportPage() {
    document.title = 'HistoVec - Rapport vendeur';
    const saved = JSON.parse(sessionStorage.getItem('formData') || 'null');
    if (!saved) { history.replaceState({}, '', `${BASE}/proprietaire`); route(); return; }
    const run = ++reportRun;
    // What the page shows before the data: the defaults, under the loader (docs/teleservices.md §9.1).
    const loader = h('div', {class: 'loader-container'}, h('div', {class: 'loader'}));
    const fresh = h('p', {class: 'fr-tile__detail'}, 'Datant du ');
    const panels = Object.fromEntries(REPORT_TABS.map(([id]) => [id, h('div', {id: `rapport-${id}`,
      role: 'tabpanel', 'aria-labelledby': `onglet-${id}`, tabindex: '0',
      class: `fr-tabs__panel${id === 'synthese' ? ' fr-tabs__panel--selected' : ''}`})]));
    const tabs = REPORT_TABS.map(([id, text]) => h('li', {role: 'presentation'}, h('button', {type: 'button',
      class: 'fr-tabs__tab', id: `onglet-${id}`, role: 'tab', 'aria-selected': String(id === 'synthese'),
      tabindex: id === 'synthese' ? '0' : '-1', 'aria-controls': `rapport-${id}`, onclick: () => {
        for (const [other] of REPORT_TABS) {
          document.getElementById(`onglet-${other}`).setAttribute('aria-selected', String(other === id));
          document.getElementById(`onglet-${other}`).tabIndex = other === id ? 0 : -1;
          panels[other].classList.toggle('fr-tabs__panel--selected', other === id);
        }
      }}, text)));
    const print = h('button', {type: 'button', class: 'fr-btn fr-btn--secondary',
      disabled: true}, 'Imprimer le CSA');
    app.append(
      h('h1', {}, 'Rapport de votre véhicule'),
      h('div', {class: 'fr-alert fr-alert--warning fr-mb-4w', role: 'alert'},
        h('h3', {class: 'fr-alert__title'}, 'Fraîcheur des données'),
        h('p', {}, `Les informations affichées proviennent du Système d'Immatriculation des Véhicules. Seul le certificat de situation administrative disponible sur le site de l'${spaced('ANTS')} fait foi.`)),
      h('div', {class: 'fr-tile fr-mb-4w'}, h('div', {class: 'fr-tile__body'}, h('div', {class: 'fr-tile__content'},
        h('h3', {class: 'fr-tile__title'}, "Informations du Ministère de l'Intérieur"), fresh))),
      h('div', {class: 'fr-tabs'}, h('ul', {class: 'fr-tabs__list', role: 'tablist', 'aria-label': 'Rapport du véhicule'}, tabs),
        Object.values(panels)),
      h('ul', {class: 'fr-btns-group fr-btns-group--inline fr-mt-4w'}, h('li', {}, print)),
      loader);
    fillReport(panels, null);
    const body = {...saved.values, type_immatriculation: saved.type_immatriculation,
      type_personne: saved.type_personne, uuid: localStorage.getItem('userId')};
    fetch(API, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(async (response) => {
        if (run !== reportRun) return;
        if (response.status === 404) {
          const said = await response.json();
          navigate(`${BASE}/?errorTitle=${encodeURIComponent('Page non trouvée')}&errorMessage=${encodeURIComponent(said.message)}`);
          return;
        }
        if (!response.ok) { navigate(`${BASE}/erreur-inattendue`); return; }
        const report = await response.json();
        if (run !== reportRun) return;
        fillReport(panels, report);
        fresh.textContent = `Datant du ${report.mis_a_jour_le}`;
        print.disabled = false;
        print.addEventListener('click', () => {
          const link = h('a', {href: `${CSA}/${report.rapport}`, download: 'rapport.pdf'});
          document.body.append(link);
          link.click();
          link.remove();
        });
        loader.remove();
      })
      .catch(() => { if (run === reportRun) navigate(`${BASE}/erreur-inattendue`); });
  }

  function fillReport(panels, report) {
    const rows = (pairs) => h('dl', {class: 'histovec-lignes'},
      pairs.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
    const lines = (items) => h('div', {}, items.map((item) => h('p', {class: 'fr-mb-1w'}, item)));
    const situation = report ? report.situation : Object.fromEntries(SITUATION.map((name) => [name, ['NON']]));
    const stolen = report && report.vole ? 'OUI' : 'NON';
    put(panels.synthese, h('h2', {class: 'fr-h4'}, 'Synthèse'), lines(report ? report.synthese : ['Rien à signaler']));
    put(panels.vehicule, h('h2', {class: 'fr-h4'}, 'Véhicule'), rows(report ? report.vehicule : []));
    put(panels.titulaire, h('h2', {class: 'fr-h4'}, 'Titulaire et Titre'), rows(report ? report.titulaire : []));
    put(panels.situation, h('h2', {class: 'fr-h4'}, 'Situation administrative'),
      SITUATION.map((name) => [h('h3', {class: 'fr-h6'}, name), lines(situation[name])]),
      h('h3', {class: 'fr-h6'}, 'Vol'),
      h('p', {}, 'Véhicule — ', h('span', {}, 'Déclaré volé'), ' ', h('strong', {}, stolen)),
      h('p', {}, "Certificat d'immatriculation — ", h('span', {}, 'Déclaré volée'), ' ', h('strong', {}, 'NON')));
    put(panels.historique, h('h2', {class: 'fr-h4'}, 'Historique'),
      rows(report ? report.historique : []));
  }

  route();
})();
