// A file (the candidates', the school directory, designations) sent as is to the form's data-url (the import reads
// its encoding and separator), its report shown line by line; a subject's PDFs deposited the same way.
'use strict';
function cellules(ligne, valeurs) { for (const v of valeurs) { const td = document.createElement('td'); td.textContent = v; ligne.append(td); } }
function tableau(titres, lignes) {
  const t = document.createElement('table'), tete = t.createTHead().insertRow(), corps = t.createTBody();
  for (const titre of titres) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = titre; tete.append(th); }
  for (const l of lignes) cellules(corps.insertRow(), l);
  return t;
}
function paragraphe(classe, texte) { const p = document.createElement('p'); p.className = classe; p.textContent = texte; return p; }

// As a redirect leaves a message (WebSession.messageCookie): the page shows it once, the address carries none.
function recharger(message) {
  document.cookie = 'ece_message=' + btoa(String.fromCharCode(...new TextEncoder().encode(message))) + '; path=/; max-age=300; samesite=strict';
  location.reload();
}

for (const formulaire of document.querySelectorAll('form.import')) formulaire.addEventListener('submit', async e => {
  e.preventDefault();
  const rapport = document.getElementById(formulaire.dataset.rapport);
  const fichier = formulaire.querySelector('input[type=file]').files[0];
  if (!fichier) return;
  rapport.replaceChildren(paragraphe('info', 'Import en cours…'));
  const partiel = formulaire.querySelector('input[name=partiel]')?.checked ? '?partiel=true' : '';
  const r = await fetch(formulaire.dataset.url + partiel, { method: 'POST',
    credentials: 'same-origin', headers: { 'Content-Type': 'text/csv' }, body: await fichier.arrayBuffer() });
  const corps = await r.json().catch(() => ({}));
  rapport.replaceChildren();
  const lus = `${corps.lignes} lignes lues (${corps.encodage}, séparateur « ${corps.separateur} »)`;
  if (r.ok && corps.designations !== undefined) {
    // All or nothing: the page shows the new list.
    recharger(`${lus} : ${corps.designations} désignation(s) enregistrée(s), envoyées vers Imag'In.`);
  } else if (r.ok) {
    // The candidates file's report, or the school directory's.
    const importes = corps.candidats !== undefined ? `${corps.candidats} candidats et ${corps.inscriptions} inscriptions importés`
      : `${corps.crees} établissement(s) créé(s), ${corps.modifies} modifié(s), ${corps.inchanges} inchangé(s)`;
    rapport.append(paragraphe(corps.nombreErreurs ? 'alerte' : 'succes',
      `${lus} : ${importes}, ${corps.nombreErreurs} ligne(s) en erreur non importée(s).`));
    if (corps.erreurs.length) rapport.append(tableau(['Ligne', 'Colonne', 'Motif'], corps.erreurs.map(x => [x.line, x.column, x.reason])));
  } else {
    rapport.append(paragraphe('alerte', (corps.title || 'Refusé') + (corps.detail ? ' — ' + corps.detail : '')));
    if (corps.errors) rapport.append(tableau(['Ligne', 'Colonne', 'Motif'], corps.errors.map(x => [x.line ?? '', x.field, x.reason])));
  }
});

for (const depot of document.querySelectorAll('form.depot')) depot.addEventListener('submit', async e => {
  e.preventDefault();
  const fichier = depot.querySelector('input[type=file]').files[0];
  if (!fichier) return;
  const r = await fetch('/api/referentiel/sujets/' + depot.dataset.sujet + '/documents/' + depot.dataset.nature + '?nom=' +
    encodeURIComponent(fichier.name), { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/pdf' },
    body: await fichier.arrayBuffer() });
  const corps = await r.json().catch(() => ({}));
  const message = r.ok ? 'Document déposé.' : 'Refusé : ' + (corps.errors ? corps.errors.map(x => x.reason).join(' ; ') : corps.detail || corps.title);
  recharger(message);
});
