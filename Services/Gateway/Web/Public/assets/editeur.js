// The grading editor: renders the sheet from the API, keeps it in IndexedDB, saves every change
// (debounced) with the version it was based on, queues saves while offline and sends them when
// the network returns; a 409 shows both versions and lets the examiner choose.
'use strict';
const racine = document.getElementById('editeur');
// A second reading (blind) is the reader's own row: its address and its key in the store are the
// sheet's followed by /seconde-lecture, so a pending save never mixes with the sheet's own.
const seconde = racine.dataset.seconde === 'true';
const ficheId = racine.dataset.fiche + (seconde ? '/seconde-lecture' : '');
// One database per examiner: a shared tablet never sends one person's saves under another's session.
const nomBase = 'ece-editeur-' + racine.dataset.utilisateur;
// The statuses as a person reads them (the gateway's Libelle), not the API's codes.
const statuts = JSON.parse(racine.dataset.statuts || '{}');
const absences = JSON.parse(racine.dataset.absences || '{}');
const api = id => '/api/correction/fiches/' + id;
let fiche = null, grille = null, minuterie = null, envoi = null, connexion = null;
// The slot's subjects while the sheet has none, the one ticked, the document shown beside the grid.
let offre = null, sujetCoche = null, documentAffiche = null;

function base() {
  connexion = connexion || new Promise((ok, ko) => {
    const r = indexedDB.open(nomBase, 1);
    r.onupgradeneeded = () => { r.result.createObjectStore('fiches'); r.result.createObjectStore('attente'); };
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
  });
  return connexion;
}
async function stocker(magasin, cle, valeur) {
  const db = await base();
  return new Promise((ok, ko) => { const t = db.transaction(magasin, 'readwrite');
    if (valeur === undefined) t.objectStore(magasin).delete(cle); else t.objectStore(magasin).put(valeur, cle);
    t.oncomplete = ok; t.onerror = () => ko(t.error); });
}
async function lire(magasin, cle) {
  const db = await base();
  return new Promise((ok, ko) => { const r = db.transaction(magasin).objectStore(magasin).get(cle);
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
}
async function cles(magasin) {
  const db = await base();
  return new Promise((ok, ko) => { const r = db.transaction(magasin).objectStore(magasin).getAllKeys();
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
}

function etatReseau(texte, horsLigne) {
  const b = document.getElementById('etat-reseau');
  if (b) { b.textContent = texte; b.classList.toggle('hors-ligne', !!horsLigne); }
}
// Whether the server answered last time we tried, else what the browser says: navigator.onLine
// can stay false after the network is back, while the retry already got through.
let joignable = navigator.onLine;
async function majBadge() {
  const n = (await cles('attente')).length;
  const attente = n ? ' — ' + n + ' fiche(s) en attente d’envoi' : '';
  if (!joignable) etatReseau('Hors ligne' + attente, true);
  else etatReseau(n ? 'Envoi en attente' + attente : 'Enregistré', false);
}
function annoncer(classe, texte) {
  const m = document.getElementById('message');
  m.innerHTML = ''; m.append(el('p', { class: classe }, texte));
}

async function charger() {
  try {
    const r = await fetch(api(ficheId), { credentials: 'same-origin' });
    if (r.status === 401) { location.href = '/connexion?retour=' + encodeURIComponent(location.pathname); return; }
    if (r.status === 403 || r.status === 404) {
      // No longer this examiner's (or gone): the copy kept for offline use goes, it is never shown.
      await stocker('fiches', ficheId, undefined); await stocker('attente', ficheId, undefined);
      racine.innerHTML = ''; racine.append(el('p', { class: 'alerte' }, 'Fiche inaccessible (' + r.status + ').')); majBadge(); return;
    }
    if (!r.ok) throw new Error('HTTP ' + r.status);
    fiche = await r.json();
    await stocker('fiches', ficheId, fiche);
  } catch (e) {
    fiche = await lire('fiches', ficheId);
    if (!fiche) { racine.innerHTML = ''; racine.append(el('p', { class: 'alerte' }, 'Fiche indisponible hors ligne : ouvrez-la une fois connecté.')); return; }
  }
  const attente = await lire('attente', ficheId);
  grille = attente ? attente.corps.grille : structuredClone(fiche.grille);
  if (!fiche.sujet) offre = await lireOffre();
  document.title = fiche.nom.toUpperCase() + ' ' + fiche.prenoms + ' — Éditeur de correction';
  afficher(); majBadge(); envoyer();
}

// The suggested mark, as the server computes it (levels × weights, aids capping, half-point rounding).
const valeurs = { A: [1, 1], B: [2, 3], C: [1, 3], D: [0, 1] };
const rang = { A: 0, B: 1, C: 2, D: 3 };
function plafond(code) {
  const caps = fiche.bareme.plafonds || { mineure: 'B', majeure: 'C', solution: 'D' };
  let pire = null;
  for (const a of grille.aides.filter(a => a.critere === code)) { const c = caps[a.aide]; if (!pire || rang[c] > rang[pire]) pire = c; }
  return pire;
}
function suggestion() {
  if (!fiche.bareme) return null;
  let total = 0;
  for (const c of fiche.bareme.criteres) {
    const s = grille.evaluations.find(e => e.code === c.code);
    if (!s) return null;
    const p = plafond(c.code);
    if (s.evaluation.type === 'points') {
      let pts = s.evaluation.demiPoints / 2;
      if (p) pts = Math.min(pts, c.poids * valeurs[p][0] / valeurs[p][1]);
      total += pts;
    } else {
      let n = s.evaluation.niveau;
      if (p && rang[p] > rang[n]) n = p;
      const v = (c.echelle && c.echelle.valeurs && c.echelle.valeurs[n]) || valeurs[n].join('/');
      const [a, b] = String(v).split('/').map(Number);
      total += c.poids * a / (b || 1);
    }
  }
  return Math.floor(2 * total + 0.5 + 1e-9) / 2;
}
const note = v => v === null || v === undefined ? '—' : String(v).replace('.', ',') + ' / 20';
const heure = h => new Date(h).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });

function el(tag, attrs, ...enfants) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v); }
  for (const c of enfants) e.append(c);
  return e;
}

// Redrawing keeps the keyboard focus where it was.
function afficher() {
  const actif = document.activeElement;
  const cible = actif && (actif.id ? '#' + actif.id : actif.dataset.cle ? '[data-cle="' + actif.dataset.cle + '"]' : null);
  dessiner();
  if (cible) { const e = racine.querySelector(cible); if (e) e.focus(); }
}

function dessiner() {
  racine.innerHTML = '';
  const verrouille = fiche.lotVerrouille;
  racine.append(el('h1', {}, fiche.nom.toUpperCase() + ' ' + fiche.prenoms),
    el('p', {}, 'N° ' + fiche.numero + (fiche.division ? ' — division ' + fiche.division : '') + ' — statut : ' + (statuts[fiche.statut] || fiche.statut)
      + (fiche.absence ? ' (' + (absences[fiche.absence] || fiche.absence) + ')' : '')));
  if (seconde) racine.append(el('p', { class: 'info', id: 'seconde-lecture' }, 'Seconde lecture à l’aveugle : notez sans la note du premier examinateur.'
    + (verrouille ? ' Seconde lecture tranchée : lecture seule.' : '')));
  else if (verrouille) racine.append(el('p', { class: 'info' }, 'Lot verrouillé : lecture seule.'));
  if (!fiche.sujet) {
    racine.append(blocSujet());
  } else {
    racine.append(el('p', {}, 'Sujet : ' + fiche.sujet.code + (fiche.sujet.titre ? ' — ' + fiche.sujet.titre : '')));
  }
  if (fiche.bareme) {
    for (const c of fiche.bareme.criteres) {
      const s = grille.evaluations.find(e => e.code === c.code);
      const bloc = el('fieldset', { class: 'critere' }, el('legend', {}, c.code + ' — ' + c.libelle + ' (' + c.poids + ' pts)'));
      if (c.echelle && c.echelle.type === 'points') {
        const champ = el('input', { type: 'number', min: 0, max: c.poids, step: 0.5, id: 'points-' + c.code,
          value: s ? s.evaluation.demiPoints / 2 : '',
          onchange: e => e.target.value === '' ? effacer(c.code) : noter(c.code, { type: 'points', demiPoints: Math.round(2 * e.target.value) }) });
        bloc.append(el('label', { for: 'points-' + c.code }, 'Points'), champ);
      } else {
        const groupe = el('div', { class: 'niveaux', role: 'group', 'aria-label': 'Niveau ' + c.code });
        for (const n of ['A', 'B', 'C', 'D']) {
          groupe.append(el('button', { type: 'button', 'data-critere': c.code, 'data-niveau': n, 'data-cle': c.code + '-' + n,
            'aria-label': 'Niveau ' + n + ' pour ' + c.libelle, 'aria-pressed': String(!!s && s.evaluation.niveau === n),
            onclick: () => noter(c.code, { type: 'niveau', niveau: n }) }, n));
        }
        const p = plafond(c.code);
        if (p) groupe.append(el('span', { class: 'plafond' }, 'Plafonné à ' + p));
        bloc.append(groupe);
      }
      const aides = el('p', {}, 'Aide : ');
      for (const a of ['mineure', 'majeure', 'solution']) {
        aides.append(el('button', { type: 'button', class: 'secondaire', 'data-aide': c.code + '-' + a, 'data-cle': 'aide-' + c.code + '-' + a,
          onclick: () => { grille.aides.push({ critere: c.code, aide: a, heure: new Date().toISOString() }); modifier(); } },
          a === 'solution' ? 'Solution donnée' : 'Aide ' + a), ' ');
      }
      const donnees = grille.aides.filter(x => x.critere === c.code);
      if (donnees.length) {
        aides.append(' — notées : ' + donnees.map(x => x.aide + ' à ' + heure(x.heure)).join(', ') + ' ',
          el('button', { type: 'button', class: 'secondaire', 'data-cle': 'annuler-' + c.code,
            onclick: () => { const i = grille.aides.map(x => x.critere).lastIndexOf(c.code); grille.aides.splice(i, 1); modifier(); } }, 'Annuler la dernière aide'));
      }
      bloc.append(aides, el('label', { for: 'com-' + c.code }, 'Commentaire'),
        el('textarea', { id: 'com-' + c.code, rows: 2, oninput: e => { grille.commentaires[c.code] = e.target.value; modifier(false); } }, grille.commentaires[c.code] || ''));
      racine.append(bloc);
    }
    const appels = el('p', {}, 'Appels : ');
    for (const a of fiche.bareme.appels || []) {
      const fait = grille.appels.find(x => x.code === a.code);
      appels.append(el('button', { type: 'button', class: 'secondaire', 'aria-pressed': String(!!fait), 'data-cle': 'appel-' + a.code,
        onclick: () => { grille.appels = fait ? grille.appels.filter(x => x.code !== a.code) : grille.appels.concat([{ code: a.code, heure: new Date().toISOString() }]); modifier(); } },
        a.libelle + (fait ? ' ✓ ' + heure(fait.heure) : '')), ' ');
    }
    racine.append(appels);
  }
  const ajuste = fiche.statut === 'notee' && fiche.noteFinale !== fiche.noteSuggeree;
  racine.append(el('label', { for: 'commentaire' }, 'Commentaire général'),
    el('textarea', { id: 'commentaire', rows: 3, oninput: e => { grille.commentaire = e.target.value; modifier(false); } }, grille.commentaire || ''),
    el('p', {}, 'Note proposée : ', el('span', { class: 'note', id: 'suggestion', 'aria-live': 'polite' }, note(suggestion()))));
  // The second reader gives the grid's mark: no override, no absence (the candidate sat).
  if (seconde) racine.append(el('p', {}, el('button', { type: 'button', id: 'valider', onclick: () => enregistrer({ finaliser: true }) }, 'Valider la seconde lecture')));
  else racine.append(el('label', { for: 'ajustement' }, 'Note retenue si différente (optionnel)'),
    el('input', { id: 'ajustement', type: 'number', min: 0, max: 20, step: 0.5, value: ajuste ? fiche.noteFinale / 2 : '' }),
    el('label', { for: 'motif' }, 'Motif de l’ajustement (obligatoire si la note change)'),
    el('input', { id: 'motif', type: 'text', 'aria-describedby': 'message', value: ajuste ? fiche.motifAjustement || '' : '' }),
    el('p', {}, el('button', { type: 'button', id: 'valider', onclick: () => enregistrer({ finaliser: true }) }, 'Valider la note'), ' ',
      el('button', { type: 'button', class: 'secondaire', id: 'absent',
        onclick: () => confirm('Marquer le candidat absent (sans justificatif : 0) ?') && enregistrer({ absence: 'injustifiee' }) }, 'Absent'), ' ',
      el('button', { type: 'button', class: 'secondaire', onclick: () => confirm('Marquer une absence justifiée ?') && enregistrer({ absence: 'justifiee' }) }, 'Absence justifiée')));
  if (verrouille) racine.querySelectorAll('button, input, textarea').forEach(e => e.disabled = true);
  documentSupport();
}

// Where the slot lets the examiner record the subject the candidate drew on paper (or offers
// one only), the subjects to tick; elsewhere the platform's draw. Never a draw forced on a
// candidate who drew a paper subject.
async function lireOffre() {
  try {
    const r = await fetch(api(ficheId) + '/offre', { credentials: 'same-origin' });
    return r.ok ? await r.json() : { erreur: 'Sujets du créneau indisponibles (' + r.status + ').' };
  } catch (e) { return { erreur: 'Connexion nécessaire pour fixer le sujet.' }; }
}
function blocSujet() {
  if (!offre || offre.erreur) return el('p', { class: 'alerte' }, (offre && offre.erreur) || 'Sujets du créneau indisponibles.');
  if (!offre.visible) return el('p', { class: 'info' }, 'Sujets sous embargo : ils seront disponibles à leur date de visibilité.');
  if (!offre.sujets.length) return el('p', { class: 'alerte' }, 'Aucun sujet dans le créneau du candidat : voyez le centre.');
  if (!offre.enregistrement) {
    return el('div', {}, el('p', {}, 'Sujet : à tirer au sort par la plateforme.'),
      el('button', { type: 'button', id: 'tirer', onclick: () => fixerSujet('/tirage', {}) }, 'Tirer le sujet au sort'));
  }
  if (offre.sujets.length === 1) sujetCoche = offre.sujets[0].id;
  const bloc = el('fieldset', { id: 'sujet-tire' },
    el('legend', {}, offre.sujets.length === 1 ? 'Sujet du créneau' : 'Sujet tiré par le candidat'));
  for (const s of offre.sujets) {
    const choix = { type: 'radio', name: 'sujet', value: s.id, 'data-cle': 'sujet-' + s.id, onchange: () => { sujetCoche = s.id; } };
    if (s.id === sujetCoche) choix.checked = '';
    bloc.append(el('label', { class: 'choix' }, el('input', choix),
      ' ' + s.code + (s.dominante ? ' (' + s.dominante + ')' : '') + (s.titre ? ' — ' + s.titre : '')));
  }
  bloc.append(el('p', {}, el('button', { type: 'button', id: 'enregistrer-sujet', onclick: () => sujetCoche
    ? fixerSujet('/sujet', { sujetId: sujetCoche }) : annoncer('alerte', 'Cochez le sujet que le candidat a tiré.') },
    'Enregistrer le sujet tiré')));
  return bloc;
}

// The subject's document beside the grid, once Correction gives it (visible: the embargo is
// over), with a plain link for a tablet that shows no PDF in a page. Only Référentiel's path.
function documentSupport() {
  const zone = document.getElementById('document-support');
  const doc = fiche.sujet && fiche.sujet.document;
  const chemin = doc && /^\/api\/referentiel\/sujets\/[0-9a-f-]+\/documents\/sujet$/i.test(doc.path) ? doc.path : null;
  if (!zone || chemin === documentAffiche) return;
  documentAffiche = chemin;
  zone.innerHTML = ''; zone.hidden = !chemin;
  if (!chemin) return;
  const nom = 'sujet ' + fiche.sujet.code + (fiche.sujet.titre ? ' — ' + fiche.sujet.titre : '');
  zone.append(el('h2', { id: 'titre-document' }, 'Document support'),
    el('p', {}, el('a', { href: chemin, id: 'lien-document', target: '_blank', rel: 'noopener' }, 'Ouvrir le ' + nom + ' (PDF, nouvel onglet)')),
    el('iframe', { src: chemin, title: 'Le ' + nom + ' (PDF)', id: 'visionneuse' }));
}

function noter(code, evaluation) {
  grille.evaluations = grille.evaluations.filter(e => e.code !== code).concat([{ code, evaluation }]);
  modifier();
}
function effacer(code) { grille.evaluations = grille.evaluations.filter(e => e.code !== code); modifier(); }
function modifier(redessiner = true) {
  if (redessiner) afficher();
  else document.getElementById('suggestion').textContent = note(suggestion());
  // Kept at once; sent after a short pause in typing.
  clearTimeout(minuterie);
  minuterie = setTimeout(() => enregistrer({}), 800);
}

// One pending save per sheet, based on the version last received from the server. A sheet
// already graded stays graded: edits are validated again with its override.
async function enregistrer(options) {
  clearTimeout(minuterie);
  const corps = { version: fiche.version, grille: structuredClone(grille), saisieDifferee: false };
  const avant = await lire('attente', ficheId);
  const final = options.finaliser || (!options.absence && ((avant && avant.corps.finaliser) || (!avant && fiche.statut === 'notee')));
  if (options.absence) corps.absence = options.absence;
  else if (final) {
    corps.finaliser = true;
    const a = seconde ? '' : document.getElementById('ajustement').value;
    if (a !== '') { corps.noteFinale = Math.round(2 * Number(a)); corps.motifAjustement = document.getElementById('motif').value; }
  }
  await stocker('attente', ficheId, { corps, le: new Date().toISOString() });
  await majBadge();
  await envoyer();
}

// Sends every sheet waiting in this browser, one request at a time.
function envoyer() {
  envoi = envoi || (async () => {
    try { for (const id of await cles('attente')) if (!(await envoyerFiche(id))) break; }
    finally { envoi = null; if (!document.getElementById('conflit')) await majBadge(); }
  })();
  return envoi;
}

// true when the next sheet may be tried (done, or waiting for the examiner); false offline.
async function envoyerFiche(id) {
  const attente = await lire('attente', id);
  if (!attente || attente.conflit || attente.erreur) return true;
  let r;
  try {
    r = await fetch(api(id), { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(attente.corps) });
  } catch (e) { joignable = false; return false; }
  joignable = true;
  const ici = id === ficheId;
  if (r.ok) {
    const recue = await r.json(); await stocker('fiches', id, recue);
    const courante = await lire('attente', id);
    if (courante && courante.le === attente.le) await stocker('attente', id, undefined);
    else if (courante) { courante.corps.version = recue.version; await stocker('attente', id, courante); }
    if (ici) { fiche = recue; if (attente.corps.finaliser || attente.corps.absence) afficher(); annoncer('succes', 'Enregistré (version ' + fiche.version + ').'); }
    return true;
  }
  if (r.status === 401) { location.href = '/connexion?retour=' + encodeURIComponent(location.pathname); return false; }
  if (r.status >= 500 || r.status === 503) return false;
  const probleme = await r.json().catch(() => ({}));
  if (r.status === 409 && probleme.current) {
    attente.conflit = true; await stocker('attente', id, attente);
    if (ici) conflit(probleme.current, attente);
    return true;
  }
  // Refused (a reason missing, a locked lot): kept, shown, not retried until the examiner changes it.
  attente.erreur = (probleme.detail || 'Refusé') + ' ' + (probleme.errors || []).map(e => e.field + ' : ' + e.reason).join(' ; ');
  await stocker('attente', id, attente);
  if (ici) annoncer('alerte', attente.erreur);
  return true;
}

// A conflict is never settled silently: both versions side by side, the examiner chooses.
function decrire(f, g) {
  return 'niveaux ' + g.evaluations.map(e => e.code + ' ' + (e.evaluation.niveau || String(e.evaluation.demiPoints / 2) + ' pts')).join(', ')
    + ' ; aides ' + (g.aides.map(a => a.critere + ' ' + a.aide).join(', ') || 'aucune')
    + ' ; appels ' + (g.appels.map(a => a.code).join(', ') || 'aucun')
    + ' ; commentaire « ' + (g.commentaire || '') + ' »' + (f ? ' ; statut ' + (statuts[f.statut] || f.statut) + ', note ' + note(f.noteFinale === null ? null : f.noteFinale / 2) : '');
}
function conflit(courante, attente) {
  const message = document.getElementById('message');
  message.innerHTML = '';
  message.append(el('div', { class: 'alerte', id: 'conflit' },
    el('p', {}, 'La fiche a été modifiée ailleurs (version ' + courante.version + ') ; votre saisie partait de la version ' + attente.corps.version + '.'),
    el('p', {}, 'Version enregistrée : ' + decrire(courante, courante.grille)),
    el('p', {}, 'Votre version : ' + decrire(null, attente.corps.grille)),
    el('button', { type: 'button', onclick: async () => { const a = await lire('attente', ficheId); delete a.conflit; a.corps.version = courante.version; fiche = courante; await stocker('attente', ficheId, a); message.innerHTML = ''; envoyer(); } }, 'Garder ma version'), ' ',
    el('button', { type: 'button', class: 'secondaire', onclick: async () => { await stocker('attente', ficheId, undefined); fiche = courante; grille = structuredClone(courante.grille); message.innerHTML = ''; afficher(); majBadge(); } }, 'Reprendre la version enregistrée')));
  message.scrollIntoView();
  etatReseau('Conflit à résoudre', true);
}

// The platform's draw (`/tirage`) or the subject recorded (`/sujet`), on the version read.
async function fixerSujet(suffixe, corps) {
  let r;
  try {
    r = await fetch(api(ficheId) + suffixe, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.assign({ version: fiche.version }, corps)) });
  } catch (e) { annoncer('alerte', 'Connexion nécessaire pour fixer le sujet.'); return; }
  if (r.ok) { fiche = await r.json(); await stocker('fiches', ficheId, fiche); afficher(); annoncer('succes', 'Sujet ' + fiche.sujet.code + ' enregistré.'); }
  else { const p = await r.json().catch(() => ({})); annoncer('alerte', p.detail || 'Sujet non enregistré'); }
}

window.addEventListener('online', () => { joignable = true; majBadge(); envoyer(); });
window.addEventListener('offline', () => { joignable = false; majBadge(); });
window.addEventListener('pagehide', () => { if (minuterie) { clearTimeout(minuterie); enregistrer({}); } });
setInterval(envoyer, 5000);
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
charger();
