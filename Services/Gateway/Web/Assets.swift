/// The pages' static assets: one stylesheet, the grading editor's script and the service worker
/// that keeps the editor available offline. Plain files, no build step.
enum Assets {
    static let css = """
        :root { --bleu: #000091; --texte: #161616; --gris: #666; --fond: #f6f6f6; --rouge: #ce0500; --vert: #18753c; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: Marianne, Arial, sans-serif; color: var(--texte); line-height: 1.5; background: #fff; }
        a { color: var(--bleu); }
        :focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
        .evitement { position: absolute; left: -999px; } .evitement:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
        header.entete { border-bottom: 4px solid var(--bleu); padding: .8rem 1.5rem; display: flex; justify-content: space-between;
                        align-items: center; flex-wrap: wrap; gap: .5rem; }
        header.entete .marque { font-weight: bold; font-size: 1.1rem; }
        header.entete .marque small { display: block; font-weight: normal; color: var(--gris); font-size: .85rem; }
        main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
        h1 { color: var(--bleu); font-size: 1.6rem; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
        th, td { border-bottom: 1px solid #ddd; padding: .45rem .5rem; text-align: left; }
        th { background: var(--fond); }
        label { display: block; font-weight: bold; margin-top: .8rem; }
        input, textarea, select { font: inherit; padding: .5rem; border: 1px solid #888; border-radius: 4px; width: 100%; max-width: 28rem; }
        button, .bouton { font: inherit; background: var(--bleu); color: #fff; border: 0; border-radius: 4px; padding: .6rem 1rem;
                          cursor: pointer; text-decoration: none; display: inline-block; min-height: 44px; }
        button.secondaire { background: #fff; color: var(--bleu); border: 1px solid var(--bleu); }
        .alerte { padding: .8rem 1rem; border-left: 5px solid var(--rouge); background: #fee; margin: 1rem 0; }
        .info { padding: .8rem 1rem; border-left: 5px solid var(--bleu); background: #eef; margin: 1rem 0; }
        .succes { padding: .8rem 1rem; border-left: 5px solid var(--vert); background: #efe; margin: 1rem 0; }
        .niveaux button { min-width: 3rem; margin-right: .3rem; background: #fff; color: var(--bleu); border: 2px solid var(--bleu); }
        .niveaux button[aria-pressed="true"] { background: var(--bleu); color: #fff; }
        .critere { border: 1px solid #ddd; border-radius: 6px; padding: .8rem; margin: .8rem 0; }
        .plafond { color: var(--rouge); font-weight: bold; margin-left: .5rem; }
        #etat-reseau { font-weight: bold; padding: .3rem .7rem; border-radius: 1rem; background: #efe; color: var(--vert); }
        #etat-reseau.hors-ligne { background: #fee; color: var(--rouge); }
        .note { font-size: 1.4rem; font-weight: bold; }
        @media (max-width: 40rem) { main { padding: .8rem; } .niveaux button { min-width: 2.6rem; } }
        """

    /// The grading editor: renders the sheet from the API, keeps it in IndexedDB, saves every change
    /// (debounced) with the version it was based on, queues saves while offline and sends them when
    /// the network returns; a 409 shows both versions and lets the examiner choose.
    static let editeur = #"""
        'use strict';
        const racine = document.getElementById('editeur');
        const ficheId = racine.dataset.fiche;
        const api = '/api/correction/fiches/' + ficheId;
        let fiche = null, grille = null, minuterie = null;

        function base() {
          return new Promise((ok, ko) => {
            const r = indexedDB.open('ece-editeur', 1);
            r.onupgradeneeded = () => { r.result.createObjectStore('fiches'); r.result.createObjectStore('attente'); };
            r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
          });
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

        function etatReseau(texte, horsLigne) {
          const b = document.getElementById('etat-reseau');
          b.textContent = texte; b.classList.toggle('hors-ligne', !!horsLigne);
        }
        async function majBadge() {
          const enAttente = await lire('attente', ficheId);
          if (!navigator.onLine) etatReseau('Hors ligne' + (enAttente ? ' — modification en attente d’envoi' : ''), true);
          else etatReseau(enAttente ? 'Envoi en cours…' : 'Enregistré', false);
        }

        async function charger() {
          try {
            const r = await fetch(api, { credentials: 'same-origin' });
            if (r.status === 401) { location.href = '/connexion?retour=' + encodeURIComponent(location.pathname); return; }
            if (!r.ok) throw new Error('HTTP ' + r.status);
            fiche = await r.json();
            await stocker('fiches', ficheId, fiche);
          } catch (e) {
            fiche = await lire('fiches', ficheId);
            if (!fiche) { racine.innerHTML = '<p class="alerte">Fiche indisponible hors ligne : ouvrez-la une fois connecté.</p>'; return; }
          }
          const attente = await lire('attente', ficheId);
          grille = attente ? attente.corps.grille || fiche.grille : structuredClone(fiche.grille);
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
            if (s.evaluation.type === 'points') total += s.evaluation.demiPoints / 2;
            else {
              let n = s.evaluation.niveau; const p = plafond(c.code);
              if (p && rang[p] > rang[n]) n = p;
              const v = (c.echelle && c.echelle.valeurs && c.echelle.valeurs[n]) || valeurs[n].join('/');
              const [a, b] = String(v).split('/').map(Number);
              total += c.poids * a / (b || 1);
            }
          }
          return Math.floor(2 * total + 0.5 + 1e-9) / 2;
        }

        function el(tag, attrs, ...enfants) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) { if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v); }
          for (const c of enfants) e.append(c);
          return e;
        }

        function afficher() {
          racine.innerHTML = '';
          const verrouille = fiche.lotVerrouille;
          racine.append(el('h1', {}, fiche.nom.toUpperCase() + ' ' + fiche.prenoms),
            el('p', {}, 'N° ' + fiche.numero + (fiche.division ? ' — division ' + fiche.division : '') + ' — statut : ' + fiche.statut));
          if (verrouille) racine.append(el('p', { class: 'info' }, 'Lot verrouillé : lecture seule.'));
          if (!fiche.sujet) {
            racine.append(el('p', {}, 'Sujet : à tirer au sort.'),
              el('button', { type: 'button', id: 'tirer', onclick: tirer }, 'Tirer le sujet au sort'));
          } else {
            racine.append(el('p', {}, 'Sujet : ' + fiche.sujet.code + (fiche.sujet.titre ? ' — ' + fiche.sujet.titre : '')));
          }
          if (fiche.bareme) {
            for (const c of fiche.bareme.criteres) {
              const s = grille.evaluations.find(e => e.code === c.code);
              const bloc = el('fieldset', { class: 'critere' }, el('legend', {}, c.code + ' — ' + c.libelle + ' (' + c.poids + ' pts)'));
              if (c.echelle && c.echelle.type === 'points') {
                const champ = el('input', { type: 'number', min: 0, max: c.poids, step: 0.5, id: 'points-' + c.code,
                  value: s ? s.evaluation.demiPoints / 2 : '', onchange: e => noter(c.code, { type: 'points', demiPoints: Math.round(2 * e.target.value) }) });
                bloc.append(el('label', { for: 'points-' + c.code }, 'Points'), champ);
              } else {
                const groupe = el('div', { class: 'niveaux', role: 'group', 'aria-label': 'Niveau ' + c.code });
                for (const n of ['A', 'B', 'C', 'D']) {
                  groupe.append(el('button', { type: 'button', 'data-critere': c.code, 'data-niveau': n,
                    'aria-pressed': String(!!s && s.evaluation.niveau === n), onclick: () => noter(c.code, { type: 'niveau', niveau: n }) }, n));
                }
                const p = plafond(c.code);
                if (p) groupe.append(el('span', { class: 'plafond' }, 'Plafonné à ' + p));
                bloc.append(groupe);
              }
              const aides = el('p', {}, 'Aide : ');
              for (const a of ['mineure', 'majeure']) {
                aides.append(el('button', { type: 'button', class: 'secondaire', 'data-aide': c.code + '-' + a,
                  onclick: () => { grille.aides.push({ critere: c.code, aide: a, heure: new Date().toISOString() }); modifier(); } }, 'Aide ' + a), ' ');
              }
              const nb = grille.aides.filter(x => x.critere === c.code).length;
              if (nb) aides.append(' (' + nb + ' aide(s) notée(s))');
              bloc.append(aides, el('label', { for: 'com-' + c.code }, 'Commentaire'),
                el('textarea', { id: 'com-' + c.code, rows: 2, oninput: e => { grille.commentaires[c.code] = e.target.value; modifier(false); } }, grille.commentaires[c.code] || ''));
              racine.append(bloc);
            }
            const appels = el('p', {}, 'Appels : ');
            for (const a of fiche.bareme.appels || []) {
              const fait = grille.appels.find(x => x.code === a.code);
              appels.append(el('button', { type: 'button', class: 'secondaire', 'aria-pressed': String(!!fait),
                onclick: () => { if (!fait) { grille.appels.push({ code: a.code, heure: new Date().toISOString() }); modifier(); } } },
                a.libelle + (fait ? ' ✓ ' + new Date(fait.heure).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' }) : '')), ' ');
            }
            racine.append(appels);
          }
          racine.append(el('label', { for: 'commentaire' }, 'Commentaire général'),
            el('textarea', { id: 'commentaire', rows: 3, oninput: e => { grille.commentaire = e.target.value; modifier(false); } }, grille.commentaire || ''));
          const s = suggestion();
          racine.append(el('p', {}, 'Note proposée : ', el('span', { class: 'note', id: 'suggestion' }, s === null ? '—' : String(s).replace('.', ',') + ' / 20')));
          racine.append(el('label', { for: 'ajustement' }, 'Note retenue si différente (optionnel)'),
            el('input', { id: 'ajustement', type: 'number', min: 0, max: 20, step: 0.5 }),
            el('label', { for: 'motif' }, 'Motif de l’ajustement (obligatoire si la note change)'),
            el('input', { id: 'motif', type: 'text' }),
            el('p', {}, el('button', { type: 'button', id: 'valider', onclick: () => enregistrer({ finaliser: true }) }, 'Valider la note'), ' ',
              el('button', { type: 'button', class: 'secondaire', id: 'absent', onclick: () => enregistrer({ absence: 'injustifiee' }) }, 'Absent'), ' ',
              el('button', { type: 'button', class: 'secondaire', onclick: () => enregistrer({ absence: 'justifiee' }) }, 'Absence justifiée')),
            el('div', { id: 'message', role: 'status', 'aria-live': 'polite' }));
          if (verrouille) racine.querySelectorAll('button, input, textarea').forEach(e => e.disabled = true);
        }

        function noter(code, evaluation) {
          grille.evaluations = grille.evaluations.filter(e => e.code !== code).concat([{ code, evaluation }]);
          modifier();
        }
        function modifier(redessiner = true) {
          if (redessiner) afficher();
          else { const s = suggestion(); document.getElementById('suggestion').textContent = s === null ? '—' : String(s).replace('.', ',') + ' / 20'; }
          clearTimeout(minuterie);
          minuterie = setTimeout(() => enregistrer({}), 800);
        }

        // One pending save per sheet, based on the version last received from the server.
        async function enregistrer(options) {
          clearTimeout(minuterie);
          const corps = { version: fiche.version, grille, saisieDifferee: false };
          // A validation still waiting to be sent stays one: later edits are validated with it.
          const avant = await lire('attente', ficheId);
          if (avant && !options.finaliser && !options.absence) {
            for (const k of ['finaliser', 'noteFinale', 'motifAjustement', 'absence']) if (avant.corps[k] !== undefined) corps[k] = avant.corps[k];
          }
          if (options.finaliser) {
            corps.finaliser = true;
            const a = document.getElementById('ajustement').value;
            if (a !== '') { corps.noteFinale = Math.round(2 * Number(a)); corps.motifAjustement = document.getElementById('motif').value; }
          }
          if (options.absence) corps.absence = options.absence;
          await stocker('attente', ficheId, { corps, le: new Date().toISOString() });
          await majBadge();
          await envoyer();
        }

        async function envoyer() {
          const attente = await lire('attente', ficheId);
          if (!attente) return;
          let r;
          try {
            r = await fetch(api, { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(attente.corps) });
          } catch (e) { await majBadge(); return; }
          const message = document.getElementById('message');
          if (r.ok) {
            fiche = await r.json(); await stocker('fiches', ficheId, fiche);
            const courante = await lire('attente', ficheId);
            if (courante && courante.le === attente.le) await stocker('attente', ficheId, undefined);
            else if (courante) { courante.corps.version = fiche.version; await stocker('attente', ficheId, courante); return envoyer(); }
            if (attente.corps.finaliser || attente.corps.absence) afficher();
            if (message) message.innerHTML = '<p class="succes">Enregistré (version ' + fiche.version + ').</p>';
          } else if (r.status === 409) {
            const probleme = await r.json();
            if (probleme.current) conflit(probleme.current, attente); else if (message) message.innerHTML = '<p class="alerte"></p>', message.firstChild.textContent = probleme.detail || 'Conflit';
          } else if (r.status === 401) {
            location.href = '/connexion?retour=' + encodeURIComponent(location.pathname);
          } else {
            const probleme = await r.json().catch(() => ({}));
            await stocker('attente', ficheId, undefined);
            if (message) { message.innerHTML = '<div class="alerte"></div>'; message.firstChild.textContent = (probleme.detail || 'Erreur') + ' ' + (probleme.errors || []).map(e => e.field + ' : ' + e.reason).join(' ; '); }
          }
          await majBadge();
        }

        // A conflict is never settled silently: both versions side by side, the examiner chooses.
        function conflit(courante, attente) {
          const message = document.getElementById('message');
          message.innerHTML = '';
          message.append(el('div', { class: 'alerte', id: 'conflit' },
            el('p', {}, 'La fiche a été modifiée ailleurs (version ' + courante.version + '). Votre saisie était fondée sur la version ' + attente.corps.version + '.'),
            el('p', {}, 'Enregistrée : statut ' + courante.statut + ', note ' + (courante.noteFinale ?? '—') + ' (demi-points).'),
            el('p', {}, 'La vôtre : ' + attente.corps.grille.evaluations.map(e => e.code + ' ' + (e.evaluation.niveau || e.evaluation.demiPoints)).join(', ')),
            el('button', { type: 'button', onclick: async () => { attente.corps.version = courante.version; await stocker('attente', ficheId, attente); fiche = courante; envoyer(); } }, 'Garder ma saisie'), ' ',
            el('button', { type: 'button', class: 'secondaire', onclick: async () => { await stocker('attente', ficheId, undefined); fiche = courante; grille = structuredClone(courante.grille); afficher(); majBadge(); } }, 'Reprendre la version enregistrée')));
        }

        async function tirer() {
          const r = await fetch(api + '/tirage', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: fiche.version }) });
          if (r.ok) { fiche = await r.json(); await stocker('fiches', ficheId, fiche); afficher(); }
          else { const p = await r.json().catch(() => ({})); document.getElementById('message').textContent = p.detail || 'Tirage impossible'; }
        }

        window.addEventListener('online', () => { majBadge(); envoyer(); });
        window.addEventListener('offline', majBadge);
        setInterval(envoyer, 5000);
        if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
        charger();
        """#

    /// Caches the assets, and each editor page once visited, so the editor opens without network.
    static let serviceWorker = #"""
        const CACHE = 'ece-v1';
        self.addEventListener('install', e => { e.waitUntil(caches.open(CACHE).then(c => c.addAll(['/assets/ece.css', '/assets/editeur.js']))); self.skipWaiting(); });
        self.addEventListener('activate', e => { e.waitUntil(self.clients.claim()); });
        self.addEventListener('fetch', e => {
          const url = new URL(e.request.url);
          if (e.request.method !== 'GET' || url.origin !== location.origin) return;
          if (url.pathname.startsWith('/assets/')) {
            e.respondWith(caches.match(e.request).then(r => r || fetch(e.request)));
          } else if (url.pathname.startsWith('/correction/fiches/')) {
            e.respondWith(fetch(e.request).then(r => { const copie = r.clone(); caches.open(CACHE).then(c => c.put(e.request, copie)); return r; })
              .catch(() => caches.match(e.request)));
          }
        });
        """#
}
