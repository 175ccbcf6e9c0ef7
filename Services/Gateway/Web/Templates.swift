import Mustache

/// The pages, in French, as Mustache templates (escaped by default; `{{{ }}}` only for HTML the
/// gateway itself built). One layout; each page renders into it.
enum Templates {
    static let library: MustacheLibrary = {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in sources { templates[name] = try! MustacheTemplate(string: text) }
        return MustacheLibrary(templates: templates)
    }()

    static let sources: [String: String] = [
        "layout": """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{titre}} — Plateforme ECE</title>
            <link rel="stylesheet" href="/assets/ece.css">
            </head>
            <body>
            <a class="evitement" href="#contenu">Aller au contenu</a>
            <header class="entete" role="banner">
              <div class="marque">République française — Plateforme ECE<small>Épreuves pratiques du baccalauréat</small></div>
              {{#utilisateur}}
              <nav aria-label="Compte">{{nom}} ({{role}}) — <a href="/">Accueil</a>
                <form method="post" action="/deconnexion" class="en-ligne"><button type="submit" class="secondaire">Se déconnecter</button></form>
                {{#editeur}}<span id="etat-reseau" role="status" aria-live="polite">…</span>{{/editeur}}
              </nav>
              {{/utilisateur}}
            </header>
            <main id="contenu">
            {{{contenu}}}
            </main>
            </body>
            </html>
            """,
        "connexion": """
            <h1>Connexion</h1>
            {{#erreur}}<p class="alerte" role="alert">{{erreur}}</p>{{/erreur}}
            <form method="post" action="/connexion">
              <input type="hidden" name="retour" value="{{retour}}">
              <label for="login">Identifiant</label>
              <input id="login" name="login" autocomplete="username" required value="{{login}}">
              <label for="password">Mot de passe</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <p><button type="submit">Se connecter</button></p>
            </form>
            <p>Examinateur ou coordinateur convoqué ? <a href="/activation">Activer mon compte</a> avec le code de votre convocation.</p>
            """,
        "activation": """
            <h1>Activer mon compte</h1>
            {{#erreur}}<p class="alerte" role="alert">{{erreur}}</p>{{/erreur}}
            {{#succes}}<p class="succes" role="status">Compte activé : vous pouvez vous <a href="/connexion">connecter</a>.</p>{{/succes}}
            <form method="post" action="/activation">
              <label for="login">Identifiant (sur la convocation)</label>
              <input id="login" name="login" required value="{{login}}">
              <label for="code">Code d'activation</label>
              <input id="code" name="code" required autocomplete="one-time-code">
              <label for="password">Nouveau mot de passe (12 caractères au moins)</label>
              <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
              <p><button type="submit">Activer</button></p>
            </form>
            """,
        "accueil": """
            <h1>Bonjour {{nom}}</h1>
            <p>Vous êtes connecté en tant que {{role}} ({{portee}}).</p>
            <ul>
            {{#liens}}<li><a href="{{href}}">{{libelle}}</a></li>{{/liens}}
            </ul>
            """,
        "lots": """
            <h1>Mes lots</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            {{^lots}}<p>Aucun lot ne vous est attribué pour l'instant.</p>{{/lots}}
            {{#lots}}
            <section aria-labelledby="lot-{{groupeId}}">
              <h2 id="lot-{{groupeId}}">{{nom}} — {{epreuve}}, centre {{centre}}, session {{session}}{{#verrouille}} (verrouillé){{/verrouille}}</h2>
              <table>
                <caption class="evitement">Candidats du lot {{nom}}</caption>
                <thead><tr><th scope="col">N°</th><th scope="col">Candidat</th><th scope="col">Division</th><th scope="col">Statut</th><th scope="col">Note</th></tr></thead>
                <tbody>
                {{#fiches}}<tr><td>{{numero}}</td><td><a href="/correction/fiches/{{id}}">{{nom}} {{prenoms}}</a></td><td>{{division}}</td><td>{{statut}}</td><td>{{note}}</td></tr>{{/fiches}}
                </tbody>
              </table>
              {{^verrouille}}<form method="post" action="/examinateur/lots/{{groupeId}}/verrouillage"><button type="submit" id="verrouiller-{{groupeId}}">Verrouiller le lot</button></form>{{/verrouille}}
            </section>
            {{/lots}}
            """,
        "editeur": """
            <p><a href="/examinateur">← Mes lots</a></p>
            <div id="message" role="status" aria-live="polite"></div>
            <div id="editeur" data-fiche="{{fiche}}" data-utilisateur="{{utilisateur}}"><p>Chargement de la fiche…</p></div>
            <script src="/assets/editeur.js" defer></script>
            """,
        "commissions": """
            <h1>Correction — {{titre}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <table>
              <thead><tr><th scope="col">Épreuve</th><th scope="col">Centre</th><th scope="col">Candidats</th><th scope="col">À noter</th><th scope="col">Notés</th><th scope="col">Absents</th><th scope="col">Lots verrouillés</th><th scope="col">État</th></tr></thead>
              <tbody>
              {{#lignes}}<tr><td>{{#lien}}<a href="{{lien}}">{{epreuve}}</a>{{/lien}}{{^lien}}{{epreuve}}{{/lien}}</td><td>{{centre}}</td><td>{{candidats}}</td><td>{{aNoter}}</td><td>{{notees}}</td><td>{{absents}}</td><td>{{lotsVerrouilles}} / {{lots}}</td><td>{{etat}}</td></tr>{{/lignes}}
              </tbody>
            </table>
            """,
        "commission": """
            <h1>{{epreuve}} — centre {{centre}} (session {{session}})</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <p>État : <strong>{{etat}}</strong> — {{candidats}} candidats, {{nonDistribues}} non distribués.</p>
            <h2>Groupes et lots</h2>
            <table>
              <thead><tr><th scope="col">Groupe</th><th scope="col">Candidats</th><th scope="col">Notés</th><th scope="col">Absents</th><th scope="col">Brouillons</th><th scope="col">Lot</th></tr></thead>
              <tbody>{{#groupes}}<tr><td>{{nom}}</td><td>{{candidats}}</td><td>{{notes}}</td><td>{{absents}}</td><td>{{brouillons}}</td><td>{{#verrouille}}verrouillé{{/verrouille}}{{^verrouille}}ouvert{{/verrouille}}</td></tr>{{/groupes}}</tbody>
            </table>
            <h2>Créneaux</h2>
            <ul>{{#creneaux}}<li>{{jour}} {{demiJournee}} — {{candidats}} candidats — <a href="{{base}}/fiches.pdf?creneau={{id}}">imprimer les fiches</a></li>{{/creneaux}}</ul>
            <p><a class="bouton" href="{{base}}/fiches.pdf">Imprimer toutes les fiches (PDF)</a></p>
            {{#ouverte}}
            <h2>Créer un groupe d'examinateurs</h2>
            <form method="post" action="{{page}}/groupes">
              <label for="nom-groupe">Nom du groupe (salle)</label>
              <input id="nom-groupe" name="nom" required maxlength="100">
              <fieldset><legend>Examinateurs convoqués</legend>
              {{#examinateurs}}<label><input type="checkbox" name="membre" value="{{intervenantId}}" style="width:auto"> {{prenom}} {{nom}} ({{login}})</label>{{/examinateurs}}
              </fieldset>
              <p><button type="submit">Créer le groupe</button></p>
            </form>
            <h2>Créer un créneau</h2>
            <form method="post" action="{{page}}/creneaux">
              <label for="jour">Jour</label><input id="jour" name="jour" type="date" required>
              <label for="demi">Demi-journée</label>
              <select id="demi" name="demiJournee"><option value="matin">matin</option><option value="apres-midi">après-midi</option></select>
              <fieldset><legend>Sujets proposés (en physique-chimie : au moins deux à dominante physique et deux à dominante chimie)</legend>
              {{#sujets}}<label><input type="checkbox" name="sujet" value="{{id}}" style="width:auto"> {{code}}{{#dominante}} ({{dominante}}){{/dominante}}{{#titre}} — {{titre}}{{/titre}}</label>{{/sujets}}
              </fieldset>
              <p><button type="submit">Créer le créneau</button></p>
            </form>
            <form method="post" action="{{page}}/distribution"><button type="submit" class="secondaire">Distribuer automatiquement les candidats restants</button></form>
            {{/ouverte}}
            <form method="post" action="{{page}}/cloture"><p><button type="submit" id="cloturer">Clôturer l'épreuve</button></p></form>
            {{#close}}<p><a class="bouton" href="{{base}}/fiches.zip">Télécharger les fiches remplies (zip)</a></p>{{/close}}
            """,
        "statistiques": """
            <h1>Statistiques — {{epreuve}} (session {{session}})</h1>
            <form method="get" action="/statistiques"><label for="epreuve">Épreuve</label>
              <select id="epreuve" name="epreuve">{{#epreuves}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{code}} — {{libelle}}</option>{{/epreuves}}</select>
              <p><button type="submit" class="secondaire">Afficher</button></p></form>
            <p>{{effectif}} notes, moyenne {{moyenne}} / 20.</p>
            <figure>
              <figcaption>Répartition des notes (nombre de candidats par point)</figcaption>
              {{{graphique}}}
            </figure>
            <h2>Par sujet</h2>
            <table>
              <thead><tr><th scope="col">Sujet</th><th scope="col">Notes</th><th scope="col">Moyenne</th><th scope="col">Écart à la moyenne de la banque</th></tr></thead>
              <tbody>{{#sujets}}<tr><td>{{code}}</td><td>{{effectif}}</td><td>{{moyenne}}</td><td>{{ecart}}</td></tr>{{/sujets}}</tbody>
            </table>
            <h2>Par {{niveau}}</h2>
            <table>
              <thead><tr><th scope="col">{{niveau}}</th><th scope="col">Notes</th><th scope="col">Moyenne</th></tr></thead>
              <tbody>{{#groupes}}<tr><td>{{code}}</td><td>{{effectif}}</td><td>{{moyenne}}</td></tr>{{/groupes}}</tbody>
            </table>
            """,
        "messages": """
            <h1>Messagerie</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <table>
              <thead><tr><th scope="col">Fil</th><th scope="col">Épreuve</th><th scope="col">Commission</th><th scope="col">Messages</th><th scope="col">Non lus</th></tr></thead>
              <tbody>{{#fils}}<tr><td><a href="/messages/{{id}}">{{titre}}</a></td><td>{{epreuve}}</td><td>{{commission}}</td><td>{{messages}}</td><td>{{#nonLus}}<strong>{{nonLus}}</strong>{{/nonLus}}</td></tr>{{/fils}}</tbody>
            </table>
            <h2>Nouveau fil</h2>
            <form method="post" action="/messages">
              <label for="epreuve">Épreuve</label><input id="epreuve" name="epreuve" required placeholder="T011B">
              <label for="centre">Centre (vide : fil de l'académie)</label><input id="centre" name="centre">
              <label for="titre">Titre</label><input id="titre" name="titre" required maxlength="200">
              <label for="texte">Message</label><textarea id="texte" name="texte" rows="4" required maxlength="5000"></textarea>
              <p><button type="submit">Envoyer</button></p>
            </form>
            """,
        "fil": """
            <p><a href="/messages">← Messagerie</a></p>
            <h1>{{titre}}</h1>
            <p>{{epreuve}} — {{commission}}</p>
            <ol class="messages">{{#items}}<li><p><strong>{{auteur}}</strong> ({{role}}), {{le}}</p><p>{{texte}}</p></li>{{/items}}</ol>
            <form method="post" action="/messages/{{id}}">
              <label for="texte">Répondre</label><textarea id="texte" name="texte" rows="4" required maxlength="5000"></textarea>
              <p><button type="submit">Envoyer</button></p>
            </form>
            """,
        "missions": """
            <h1>Missions et convocations — session {{session}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <h2>1. Réglementation</h2>
            <p>{{reglementation}}</p>
            <form method="post" action="/missions/reglementation"><button type="submit" class="secondaire">Rafraîchir la réglementation</button></form>
            <h2>2. Dates et observations des missions ECE</h2>
            <form method="post" action="/missions/parametres">
              <label for="debut">Début</label><input id="debut" name="dateDebut" type="date" required value="{{dateDebut}}">
              <label for="fin">Fin</label><input id="fin" name="dateFin" type="date" required value="{{dateFin}}">
              <label for="observations">Observations</label><textarea id="observations" name="observations" rows="3" maxlength="2000">{{observations}}</textarea>
              <p><button type="submit" class="secondaire">Enregistrer</button></p>
            </form>
            <h2>3. Ouvrir ou rafraîchir la session</h2>
            <form method="post" action="/missions/ouverture"><button type="submit" id="ouvrir">Importer les missions ECE</button></form>
            <h2>4. Convocations</h2>
            <table>
              <thead><tr><th scope="col">Épreuve</th><th scope="col">Mission</th><th scope="col">Centre</th><th scope="col">Intervenant</th><th scope="col">Convocation</th></tr></thead>
              <tbody>
              {{#lignes}}<tr><td>{{epreuve}}</td><td>{{nature}}{{^active}} (retirée){{/active}}</td><td>{{centre}}</td><td>{{personne}}</td>
                <td>{{#convocation}}<a href="{{convocation}}">imprimer</a>{{/convocation}}{{^convocation}}{{#active}}<form method="post" action="/missions/convocations" class="en-ligne"><input type="hidden" name="mission" value="{{mission}}"><input type="hidden" name="intervenant" value="{{intervenant}}"><button type="submit" class="secondaire">Convoquer</button></form>{{/active}}{{/convocation}}</td></tr>{{/lignes}}
              </tbody>
            </table>
            """,
        "remontee": """
            <h1>Remontée des notes — session {{session}}</h1>
            <table>
              <thead><tr><th scope="col">Centre</th><th scope="col">Épreuve</th><th scope="col">Affectés</th><th scope="col">Notes</th><th scope="col">Absents</th><th scope="col">Manquants</th></tr></thead>
              <tbody>{{#lignes}}<tr><td>{{centre}}</td><td>{{epreuve}}</td><td>{{affectes}}</td><td>{{notes}}</td><td>{{absents}}</td><td>{{manquants}}</td></tr>{{/lignes}}</tbody>
            </table>
            """,
        "erreur": """
            <h1>{{titre}}</h1>
            <p class="alerte">{{detail}}</p>
            <p><a href="/">Retour à l'accueil</a></p>
            """,
    ]
}
