// The barème editor: criteria, calls for help and aid caps as form fields; every change is
// checked by Référentiel's own rules (`POST /api/referentiel/baremes/verification`) and each
// problem shown beside its field; "Enregistrer" stores a draft version.
'use strict';
const racine = document.getElementById('bareme');
const sujetId = racine.dataset.sujet;
const modifiable = racine.dataset.modifiable === 'oui';
let bareme = JSON.parse(document.getElementById('bareme-initial').textContent);
let minuterie = null, numero = 0;
const NIVEAUX = ['A', 'B', 'C', 'D'];
const FRACTION = /^-?\d+(\/\d+)?$/;

function el(tag, attributs, ...enfants) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributs || {})) {
    if (k === 'texte') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const enfant of enfants) if (enfant) e.append(enfant);
  return e;
}
// One labelled field bound to a path of the barème ("criteres[2].poids").
function champ(libelle, chemin, valeur, ecrire, options) {
  const id = 'champ-' + chemin.replace(/[^a-zA-Z0-9]/g, '-');
  let entree;
  if (options) {
    entree = el('select', { id });
    for (const o of options) entree.append(el('option', { value: o[0], texte: o[1] }));
    entree.value = valeur;
  } else {
    entree = el('input', { id, value: valeur == null ? '' : String(valeur) });
  }
  entree.dataset.champ = chemin;
  entree.setAttribute('aria-describedby', id + '-erreur');
  if (!modifiable) entree.disabled = true;
  entree.addEventListener(options ? 'change' : 'input', () => { ecrire(entree.value); if (options) afficher(); verifier(); });
  return el('div', { class: 'champ' }, el('label', { for: id, texte: libelle }), entree,
            el('span', { id: id + '-erreur', class: 'erreur-champ' }));
}

function afficher() {
  racine.replaceChildren();
  const criteres = el('fieldset', {}, el('legend', { texte: 'Critères (la somme des poids doit faire 20)' }));
  bareme.criteres.forEach((c, i) => {
    const p = 'criteres[' + i + ']';
    const bloc = el('div', { class: 'critere' },
      el('h3', { texte: 'Critère ' + (i + 1) }),
      champ('Code', p + '.code', c.code, v => c.code = v),
      champ('Libellé', p + '.libelle', c.libelle, v => c.libelle = v),
      champ('Partie (facultatif)', p + '.partie', c.partie, v => { if (v.trim() === '') delete c.partie; else c.partie = v; }),
      champ('Poids (points sur 20)', p + '.poids', c.poids, v => c.poids = /^\d+$/.test(v.trim()) ? Number(v) : v),
      champ('Échelle', p + '.echelle', c.echelle.type, v => {
        c.echelle = v === 'points' ? { type: 'points' } : { type: 'niveaux', valeurs: { A: '1', B: '2/3', C: '1/3', D: '0' } };
      }, [['niveaux', 'niveaux A à D'], ['points', 'points (par demi-point)']]));
    if (c.echelle.type === 'niveaux') {
      c.echelle.valeurs = c.echelle.valeurs || { A: '1', B: '2/3', C: '1/3', D: '0' };
      const valeurs = el('div', { class: 'valeurs' });
      for (const n of NIVEAUX) {
        valeurs.append(champ('Part du poids au niveau ' + n, p + '.echelle.valeurs.' + n, c.echelle.valeurs[n], v => c.echelle.valeurs[n] = v));
      }
      bloc.append(valeurs);
    }
    if (modifiable) bloc.append(el('button', { type: 'button', class: 'secondaire', texte: 'Supprimer le critère ' + (i + 1),
      onclick: () => { bareme.criteres.splice(i, 1); afficher(); verifier(); } }));
    criteres.append(bloc);
  });
  if (modifiable) criteres.append(el('button', { type: 'button', class: 'secondaire', id: 'ajouter-critere', texte: 'Ajouter un critère',
    onclick: () => { bareme.criteres.push({ code: '', libelle: '', poids: 1, echelle: { type: 'niveaux', valeurs: { A: '1', B: '2/3', C: '1/3', D: '0' } } }); afficher(); verifier(); } }));

  const appels = el('fieldset', {}, el('legend', { texte: 'Appels à l\u2019examinateur' }));
  (bareme.appels = bareme.appels || []).forEach((a, i) => {
    const p = 'appels[' + i + ']';
    appels.append(el('div', { class: 'critere' }, champ('Code de l\u2019appel ' + (i + 1), p + '.code', a.code, v => a.code = v),
      champ('Libellé', p + '.libelle', a.libelle, v => a.libelle = v),
      modifiable ? el('button', { type: 'button', class: 'secondaire', texte: 'Supprimer l\u2019appel ' + (i + 1),
        onclick: () => { bareme.appels.splice(i, 1); afficher(); verifier(); } }) : null));
  });
  if (modifiable) appels.append(el('button', { type: 'button', class: 'secondaire', texte: 'Ajouter un appel',
    onclick: () => { bareme.appels.push({ code: '', libelle: '' }); afficher(); verifier(); } }));

  bareme.plafonds = bareme.plafonds || { mineure: 'B', majeure: 'C', solution: 'D' };
  const niveaux = NIVEAUX.map(n => [n, n]);
  const plafonds = el('fieldset', {}, el('legend', { texte: 'Plafonds des aides (meilleur niveau possible après l\u2019aide)' }),
    champ('Aide mineure', 'plafonds.mineure', bareme.plafonds.mineure, v => bareme.plafonds.mineure = v, niveaux),
    champ('Aide majeure', 'plafonds.majeure', bareme.plafonds.majeure, v => bareme.plafonds.majeure = v, niveaux),
    champ('Solution donnée', 'plafonds.solution', bareme.plafonds.solution, v => bareme.plafonds.solution = v, niveaux));

  racine.append(criteres, appels, plafonds,
    el('p', { id: 'somme', role: 'status', 'aria-live': 'polite' }),
    el('div', { id: 'verdict', 'aria-live': 'polite' }));
  if (modifiable) racine.append(el('p', {}, el('button', { type: 'button', id: 'enregistrer-bareme', texte: 'Enregistrer le barème', onclick: enregistrer })));
}

function montrer(violations, somme) {
  document.querySelectorAll('.erreur-champ').forEach(s => s.textContent = '');
  document.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  const verdict = document.getElementById('verdict');
  verdict.replaceChildren();
  if (somme !== undefined) document.getElementById('somme').textContent = 'Somme des poids : ' + somme + ' / 20';
  if (!violations.length) { verdict.append(el('p', { class: 'succes', id: 'bareme-valide', texte: 'Barème valide.' })); return; }
  const liste = el('ul');
  for (const v of violations) {
    const entree = document.querySelector('[data-champ="' + v.field + '"]');
    if (entree) {
      entree.setAttribute('aria-invalid', 'true');
      document.getElementById(entree.id + '-erreur').textContent = v.reason;
    }
    liste.append(el('li', { texte: v.field + ' : ' + v.reason }));
  }
  verdict.append(el('div', { class: 'alerte', id: 'bareme-invalide' }, el('p', { texte: violations.length + ' problème(s) à corriger :' }), liste));
}

// Syntax first (a fraction, a whole weight), then Référentiel's rules on the server.
function locales() {
  const v = [];
  bareme.criteres.forEach((c, i) => {
    if (typeof c.poids !== 'number') v.push({ field: 'criteres[' + i + '].poids', reason: 'nombre entier attendu / whole number expected' });
    if (c.echelle.type === 'niveaux') for (const n of NIVEAUX) if (!FRACTION.test(String(c.echelle.valeurs[n]).trim()))
      v.push({ field: 'criteres[' + i + '].echelle.valeurs.' + n, reason: 'fraction attendue, par exemple 2/3 / a fraction such as 2/3' });
  });
  return v;
}

function verifier() {
  clearTimeout(minuterie);
  minuterie = setTimeout(async () => {
    const locale = locales();
    if (locale.length) { montrer(locale); return; }
    const n = ++numero;
    try {
      const r = await fetch('/api/referentiel/baremes/verification', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(bareme) });
      const corps = await r.json();
      if (n !== numero) return; // a later check is on its way
      if (r.ok) montrer(corps.violations, corps.sommePoids); else montrer([{ field: 'bareme', reason: corps.detail || corps.title }]);
    } catch (e) { montrer([{ field: 'réseau', reason: 'vérification impossible, réseau indisponible' }]); }
  }, 250);
}

async function enregistrer() {
  const message = document.getElementById('verdict');
  const r = await fetch('/api/referentiel/sujets/' + sujetId + '/bareme', { method: 'PUT', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(bareme) });
  const corps = await r.json().catch(() => ({}));
  if (r.ok) {
    message.replaceChildren(el('p', { class: 'succes', id: 'bareme-enregistre', role: 'status', texte: 'Barème enregistré (version ' + corps.version + ').' }));
  } else {
    montrer(corps.errors || [{ field: 'bareme', reason: corps.detail || corps.title }]);
  }
}

afficher();
verifier();
