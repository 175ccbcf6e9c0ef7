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
            {{#coordination}}
            <h2>Mes missions de coordination</h2>
            {{^missions}}<p>Aucune convocation de coordination en cours.</p>{{/missions}}
            {{#missions}}
            <section aria-labelledby="mission-{{code}}">
              <h3 id="mission-{{code}}">{{epreuve}}</h3>
              <ul>
                <li><a href="{{suivi}}">Suivi de la correction de {{code}} dans l'académie</a></li>
                <li><a href="{{statistiques}}">Statistiques de {{code}}</a></li>
                <li><a href="/messages?epreuve={{code}}">Messagerie des commissions de {{code}}</a></li>
              </ul>
            </section>
            {{/missions}}
            <h2>Toute la coordination</h2>
            {{/coordination}}
            <ul>
            {{#liens}}<li><a href="{{href}}">{{libelle}}</a></li>{{/liens}}
            </ul>
            """,
        "lots": """
            <h1>Mes missions et mes lots</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <h2>Mes missions</h2>
            {{^missions}}<p>Aucune convocation en cours.</p>{{/missions}}
            <ul>{{#missions}}<li>{{epreuve}} : {{nature}}, centre {{centre}}</li>{{/missions}}</ul>
            <h2>Mes lots</h2>
            {{^lots}}<p>Aucun lot ne vous est attribué pour l'instant.</p>{{/lots}}
            {{#lots}}
            <section aria-labelledby="lot-{{groupeId}}">
              <h3 id="lot-{{groupeId}}">{{nom}} — {{epreuve}}, centre {{centre}}, session {{session}}{{#verrouille}} (verrouillé){{/verrouille}}</h3>
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
            <nav class="liens-editeur" aria-label="Autour de la fiche"><a href="/examinateur">← Mes lots</a>
              <a href="/api/correction/fiches/{{fiche}}/pdf" id="fiche-pdf">Fiche d'évaluation (PDF)</a>
              <a href="/statistiques" id="mes-statistiques">Mes statistiques</a></nav>
            <div id="message" role="status" aria-live="polite"></div>
            <div class="poste">
              <div id="editeur" data-fiche="{{fiche}}" data-utilisateur="{{utilisateur}}" data-statuts="{{statuts}}" data-absences="{{absences}}"><p>Chargement de la fiche…</p></div>
              <section id="document-support" aria-labelledby="titre-document" hidden></section>
            </div>
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
            {{#suivi}}<p class="aide">Un lot complet (chaque candidat noté ou absent) se verrouille ici pour son examinateur ; le déverrouiller demande un motif.{{#ouverte}} Réaffecter déplace tous les candidats d'un lot ouvert vers le lot d'un autre groupe.{{/ouverte}}</p>{{/suivi}}
            <table id="lots">
              <thead><tr><th scope="col">Groupe</th><th scope="col">Candidats</th><th scope="col">Notés</th><th scope="col">Absents</th><th scope="col">Brouillons</th><th scope="col">Lot</th>{{#suivi}}<th scope="col">Actions</th>{{/suivi}}</tr></thead>
              <tbody>{{#groupes}}<tr><td>{{nom}}</td><td>{{candidats}}</td><td>{{notes}}</td><td>{{absents}}</td><td>{{brouillons}}</td><td>{{#verrouille}}verrouillé{{/verrouille}}{{^verrouille}}ouvert{{/verrouille}}</td>{{#suivi}}<td>
                {{#verrouillable}}<form method="post" action="{{page}}/lots/{{id}}/verrouillage" class="en-ligne"><button type="submit" id="verrouiller-{{id}}">Verrouiller<span class="evitement"> le lot {{nom}}</span></button></form>{{/verrouillable}}
                {{#verrouille}}<form method="post" action="{{page}}/lots/{{id}}/deverrouillage"><label for="motif-{{id}}">Motif<span class="evitement"> du déverrouillage du lot {{nom}}</span></label><input id="motif-{{id}}" name="motif" required maxlength="1000"><button type="submit" class="secondaire" id="deverrouiller-{{id}}">Déverrouiller<span class="evitement"> le lot {{nom}}</span></button></form>{{/verrouille}}
                {{#reaffectable}}<form method="post" action="{{page}}/lots/{{id}}/reaffectation"><label for="vers-{{id}}">Réaffecter le lot {{nom}} au groupe</label><select id="vers-{{id}}" name="vers">{{#cibles}}<option value="{{id}}">{{nom}}</option>{{/cibles}}</select><button type="submit" class="secondaire" id="reaffecter-{{id}}">Réaffecter<span class="evitement"> le lot {{nom}}</span></button></form>{{/reaffectable}}
              </td>{{/suivi}}</tr>{{/groupes}}</tbody>
            </table>
            {{#rouvrir}}
            <h2>Rouvrir l'épreuve</h2>
            <form method="post" action="{{page}}/reouverture">
              <label for="motif-reouverture">Motif de la réouverture (obligatoire)</label>
              <textarea id="motif-reouverture" name="motif" rows="3" required maxlength="1000"></textarea>
              <p><button type="submit" id="rouvrir">Rouvrir l'épreuve</button></p>
            </form>
            {{/rouvrir}}
            {{#aJournal}}
            <h2>Journal des lots et de l'épreuve</h2>
            <table id="journal">
              <caption class="evitement">Journal des lots et de l'épreuve, du plus récent au plus ancien</caption>
              <thead><tr><th scope="col">Quand</th><th scope="col">Qui</th><th scope="col">Action</th><th scope="col">Lot</th><th scope="col">Motif</th></tr></thead>
              <tbody>{{#journal}}<tr><td>{{le}}</td><td>{{acteur}}</td><td>{{action}}</td><td>{{lot}}</td><td>{{motif}}</td></tr>{{/journal}}</tbody>
            </table>
            {{/aJournal}}
            {{#preparation}}
            <h2>Sujets de l'épreuve</h2>
            <p class="aide">La liste du matériel d'un sujet se lit dès sa publication, pour préparer le laboratoire ; ses documents, à partir de sa date de visibilité.</p>
            <table id="sujets">
              <thead><tr><th scope="col">Sujet</th><th scope="col">Visible à partir du</th><th scope="col">Préparer le laboratoire</th></tr></thead>
              <tbody>{{#sujets}}<tr><td>{{code}}{{#dominante}} ({{dominante}}){{/dominante}}{{#titre}} — {{titre}}{{/titre}}</td><td>{{visibleLe}}</td>
                <td><a href="/sujets/{{id}}/materiel">Liste du matériel<span class="evitement"> du sujet {{code}}</span></a>{{#visible}} — <a href="/api/referentiel/sujets/{{id}}/documents/sujet">Sujet {{code}} (PDF)</a>{{/visible}}</td></tr>{{/sujets}}</tbody>
            </table>
            {{/preparation}}
            <h2>Créneaux</h2>
            <p class="aide">Au plus 4 candidats par examinateur et par demi-journée : la capacité d'un créneau compte 4 places par examinateur des groupes.</p>
            <table id="creneaux">
              <caption class="evitement">Créneaux de l'épreuve, leurs sujets, leurs candidats et leur capacité</caption>
              <thead><tr><th scope="col">Jour</th><th scope="col">Demi-journée</th><th scope="col">Sujets proposés</th><th scope="col">Candidats</th><th scope="col">Capacité</th><th scope="col">Fiches</th></tr></thead>
              <tbody>{{#creneaux}}<tr><td>{{jour}}</td><td>{{demiJournee}}</td><td><ul>{{#sujets}}<li>{{.}}</li>{{/sujets}}</ul>{{#choix}}<p>Sujet tiré sur papier, enregistré par l'examinateur</p>{{/choix}}</td><td>{{candidats}}{{#complet}} (complet){{/complet}}</td><td>{{capacite}}</td><td><a href="{{base}}/fiches.pdf?creneau={{id}}">Imprimer les fiches<span class="evitement"> du {{jour}}, {{demiJournee}}</span></a></td></tr>{{/creneaux}}</tbody>
            </table>
            <p><a class="bouton" href="{{base}}/fiches.pdf">Imprimer toutes les fiches (PDF)</a></p>
            {{#ouverte}}
            <h2>Créer un groupe d'examinateurs</h2>
            <form method="post" action="{{page}}/groupes">
              <label for="nom-groupe">Nom du groupe (salle)</label>
              <input id="nom-groupe" name="nom" required maxlength="100">
              <fieldset><legend>Examinateurs convoqués</legend>
              {{#examinateurs}}<label class="choix"><input type="checkbox" name="membre" value="{{intervenantId}}"> {{prenom}} {{nom}} ({{login}})</label>{{/examinateurs}}
              </fieldset>
              <p><button type="submit">Créer le groupe</button></p>
            </form>
            {{#aModifiables}}<h2>Modifier un groupe</h2>
            <p class="aide">Ajouter un examinateur, remplacer un examinateur malade (décochez-le, cochez son remplaçant : le lot du groupe lui revient), renommer ; un groupe sans candidat se dissout. Les règles sont vérifiées à nouveau : jamais un examinateur face à ses élèves, au plus 4 candidats par examinateur et par demi-journée.</p>{{/aModifiables}}
            {{#modifiables}}
            <form method="post" action="{{page}}/groupes/{{id}}">
              <fieldset><legend>Groupe {{nom}}</legend>
              <label for="nom-{{id}}">Nom du groupe</label><input id="nom-{{id}}" name="nom" value="{{nom}}" required maxlength="100">
              <fieldset><legend>Examinateurs du groupe {{nom}}</legend>
              {{#choix}}<label class="choix"><input type="checkbox" name="membre" value="{{intervenantId}}"{{#membre}} checked{{/membre}}> {{prenom}} {{nom}} ({{login}})</label>{{/choix}}
              </fieldset>
              <p><button type="submit" class="secondaire" id="modifier-{{id}}">Enregistrer<span class="evitement"> le groupe {{nom}}</span></button></p>
              </fieldset>
            </form>
            {{#vide}}<form method="post" action="{{page}}/groupes/{{id}}/dissolution"><p><button type="submit" class="secondaire" id="dissoudre-{{id}}">Dissoudre<span class="evitement"> le groupe vide {{nom}}</span></button></p></form>{{/vide}}
            {{/modifiables}}
            <h2>Créer un créneau</h2>
            <form method="post" action="{{page}}/creneaux">
              <label for="jour">Jour</label><input id="jour" name="jour" type="date" required>
              <label for="demi">Demi-journée</label>
              <select id="demi" name="demiJournee"><option value="matin">matin</option><option value="apres-midi">après-midi</option></select>
              <fieldset><legend>Sujets proposés (en physique-chimie : au moins deux à dominante physique et deux à dominante chimie)</legend>
              {{#sujets}}<label class="choix"><input type="checkbox" name="sujet" value="{{id}}"> {{code}}{{#dominante}} ({{dominante}}){{/dominante}}{{#titre}} — {{titre}}{{/titre}}</label>{{/sujets}}
              </fieldset>
              <label class="choix"><input type="checkbox" name="choix" value="oui" id="choix-creneau"> Le candidat tire son sujet sur papier : l'examinateur enregistre le sujet tiré (sinon, la plateforme tire au sort)</label>
              <p><button type="submit">Créer le créneau</button></p>
            </form>
            <h2>Placer les candidats et les distribuer</h2>
            <p class="aide">Chaque candidat passe l'épreuve dans une demi-journée : placez-les dans les créneaux (par division, établissement, tranche de noms, ou en les cochant), puis distribuez-les dans les lots des groupes.</p>
            <form method="get" action="{{page}}" class="filtres">
              <fieldset><legend>Filtrer les candidats</legend>
              <label for="f-division">Division</label><input id="f-division" name="division" value="{{filtre.division}}">
              <label for="f-origine">Établissement d'origine (UAI)</label><input id="f-origine" name="origine" value="{{filtre.origine}}">
              <label for="f-nomDe">Nom à partir de</label><input id="f-nomDe" name="nomDe" value="{{filtre.nomDe}}">
              <label for="f-nomA">Nom jusqu'à</label><input id="f-nomA" name="nomA" value="{{filtre.nomA}}">
              <label class="choix"><input type="checkbox" name="sansCreneau" value="true"{{#sansCreneauSeuls}} checked{{/sansCreneauSeuls}}> Seulement les candidats sans créneau</label>
              <label class="choix"><input type="checkbox" name="nonDistribues" value="true"{{#nonDistribuesSeuls}} checked{{/nonDistribuesSeuls}}> Seulement les candidats non distribués</label>
              <p><button type="submit" class="secondaire" id="filtrer">Filtrer</button></p>
              </fieldset>
            </form>
            <h3>Placer dans un créneau</h3>
            <form method="post" action="{{page}}/placement">
              <input type="hidden" name="tous" value="true">
              <input type="hidden" name="division" value="{{filtre.division}}"><input type="hidden" name="origine" value="{{filtre.origine}}">
              <input type="hidden" name="nomDe" value="{{filtre.nomDe}}"><input type="hidden" name="nomA" value="{{filtre.nomA}}">
              <label for="creneau-tous">Placer tous les candidats sans créneau retenus par le filtre dans le créneau</label>
              <select id="creneau-tous" name="creneau">{{#choixCreneaux}}<option value="{{id}}">{{nom}}</option>{{/choixCreneaux}}</select>
              <p><button type="submit" id="placer-tous">Placer tous ces candidats</button></p>
            </form>
            <form method="post" action="{{page}}/repartition">
              <table>
                <caption>Candidats retenus par le filtre</caption>
                <thead><tr><th scope="col">Candidat (cocher pour choisir)</th><th scope="col">N°</th><th scope="col">Division</th><th scope="col">Origine</th><th scope="col">Créneau</th><th scope="col">Lot</th></tr></thead>
                <tbody>{{#fiches}}<tr><td><label class="choix"><input type="checkbox" name="fiche" value="{{id}}" id="fiche-{{id}}"> {{nom}}</label></td><td>{{numero}}</td><td>{{division}}</td><td>{{origine}}</td><td>{{creneau}}</td><td>{{groupe}}</td></tr>{{/fiches}}</tbody>
              </table>
              <label for="vers-creneau">Placer les candidats choisis dans le créneau</label>
              <select id="vers-creneau" name="creneau">{{#choixCreneaux}}<option value="{{id}}">{{nom}}</option>{{/choixCreneaux}}<option value="">(retirer de leur créneau)</option></select>
              <p><button type="submit" formaction="{{page}}/placement" class="secondaire" id="placer">Changer le créneau des candidats choisis</button></p>
              <label for="vers-groupe">Placer les candidats choisis dans le lot de</label>
              <select id="vers-groupe" name="groupe">{{#choixGroupes}}<option value="{{id}}">{{nom}}</option>{{/choixGroupes}}<option value="">(retirer de leur lot)</option></select>
              <p><button type="submit" id="repartir">Déplacer les candidats choisis</button></p>
            </form>
            <h3>Distribution automatique</h3>
            <form method="post" action="{{page}}/distribution">
              <p class="aide">Les candidats non distribués qui ont un créneau vont aux lots ouverts, les moins chargés d'abord, jamais chez un examinateur qui leur enseigne, au plus 4 par examinateur et par demi-journée.</p>
              <label class="choix"><input type="checkbox" name="garderDivisions" value="true" id="garder-divisions" checked> Garder chaque division dans un même groupe quand il peut la prendre entière</label>
              <p><button type="submit" class="secondaire" id="distribuer">Distribuer automatiquement les candidats restants</button></p>
            </form>
            {{/ouverte}}
            {{#ouverte}}<form method="post" action="{{page}}/cloture"><p><button type="submit" id="cloturer">Clôturer l'épreuve</button></p></form>{{/ouverte}}
            {{#zip}}<p><a class="bouton" href="{{base}}/fiches.zip">Télécharger les fiches remplies (zip)</a></p>{{/zip}}
            """,
        "repartition": """
            <h1>Rapport de la distribution automatique</h1>
            <p class="info" role="status">{{bilan}}</p>
            <p>Critère : {{#garderDivisions}}chaque division gardée dans un même groupe quand il peut la prendre entière{{/garderDivisions}}{{^garderDivisions}}candidats répartis un à un{{/garderDivisions}}.</p>
            {{#aPlacements}}
            <table id="placements">
              <caption>Candidats distribués</caption>
              <thead><tr><th scope="col">Candidat</th><th scope="col">N°</th><th scope="col">Groupe</th><th scope="col">Examinateurs</th></tr></thead>
              <tbody>{{#placements}}<tr><td>{{nom}}</td><td>{{numero}}</td><td>{{groupe}}</td><td>{{examinateurs}}</td></tr>{{/placements}}</tbody>
            </table>
            {{/aPlacements}}
            {{#aNonPlaces}}
            <table id="non-places">
              <caption>Candidats non distribués et pourquoi</caption>
              <thead><tr><th scope="col">Candidat</th><th scope="col">N°</th><th scope="col">Raison</th></tr></thead>
              <tbody>{{#nonPlaces}}<tr><td>{{nom}}</td><td>{{numero}}</td><td>{{motif}}</td></tr>{{/nonPlaces}}</tbody>
            </table>
            {{/aNonPlaces}}
            <p><a href="{{page}}">← Retour à la commission</a></p>
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
        "mes-statistiques": """
            <h1>Mes statistiques de correction (session {{session}})</h1>
            <p><a href="/examinateur">← Mes lots</a></p>
            {{^epreuves}}<p>Vous n'avez encore noté aucun candidat cette session.</p>{{/epreuves}}
            {{#epreuves}}
            <section aria-labelledby="stat-{{code}}">
              <h2 id="stat-{{code}}">{{epreuve}}</h2>
              <p>{{effectif}} candidats notés, moyenne {{moyenne}} / 20.</p>
              <figure>
                <figcaption>Répartition de vos notes (nombre de candidats par point)</figcaption>
                {{{graphique}}}
              </figure>
            </section>
            {{/epreuves}}
            """,
        "messages": """
            <h1>Messagerie{{#epreuve}} — {{epreuve}}{{/epreuve}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            {{#epreuve}}<p>Les fils de l'épreuve {{epreuve}} seulement. <a href="/messages">Toutes les épreuves</a></p>{{/epreuve}}
            <table>
              <thead><tr><th scope="col">Fil</th><th scope="col">Épreuve</th><th scope="col">Commission</th><th scope="col">Messages</th><th scope="col">Non lus</th></tr></thead>
              <tbody>{{#fils}}<tr><td><a href="/messages/{{id}}">{{titre}}</a></td><td>{{epreuve}}</td><td>{{commission}}</td><td>{{messages}}</td><td>{{#nonLus}}<strong>{{nonLus}}</strong>{{/nonLus}}</td></tr>{{/fils}}</tbody>
            </table>
            <h2>Nouveau fil</h2>
            <form method="post" action="/messages">
              <label for="epreuve">Épreuve</label><input id="epreuve" name="epreuve" required placeholder="T011B" value="{{epreuve}}">
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
            <h1>{{#gestionnaire}}Missions et convocations{{/gestionnaire}}{{^gestionnaire}}Convocations de vos enseignants{{/gestionnaire}} — session {{session}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            {{#gestionnaire}}
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
            {{/gestionnaire}}
            {{^gestionnaire}}<p>Vous convoquez les enseignants que votre établissement a désignés, et annulez les convocations qu'il a émises. Les autres convocations sont celles de l'académie.</p>{{/gestionnaire}}
            <table>
              <caption class="evitement">Intervenants désignés par mission</caption>
              <thead><tr><th scope="col">Épreuve</th><th scope="col">Mission</th><th scope="col">Centre</th><th scope="col">Intervenant</th><th scope="col">Convocation</th></tr></thead>
              <tbody>
              {{#lignes}}<tr><td>{{epreuve}}</td><td>{{nature}}{{^active}} (retirée){{/active}}</td><td>{{centre}}</td><td>{{personne}}</td>
                <td>{{#convoque}}convoqué{{#impression}} — <a href="{{impression}}">imprimer<span class="evitement"> la convocation de {{personne}}</span></a> — <a href="{{impression}}.pdf" type="application/pdf">PDF<span class="evitement"> de la convocation de {{personne}}</span></a>{{/impression}}{{/convoque}}{{^convoque}}non convoqué{{/convoque}}
                {{#convocable}}<form method="post" action="/missions/convocations" class="en-ligne"><input type="hidden" name="mission" value="{{mission}}"><input type="hidden" name="intervenant" value="{{intervenant}}"><button type="submit" class="secondaire" id="convoquer-{{mission}}-{{intervenant}}">Convoquer<span class="evitement"> {{personne}}</span></button></form>{{/convocable}}
                {{#annulable}}<form method="post" action="/missions/annulations" class="annulation"><input type="hidden" name="convocation" value="{{convocation}}"><label for="motif-{{convocation}}">Motif de l'annulation</label><input id="motif-{{convocation}}" name="motif" required maxlength="500"><button type="submit" class="secondaire" id="annuler-{{convocation}}">Annuler la convocation<span class="evitement"> de {{personne}}</span></button></form>{{/annulable}}</td></tr>{{/lignes}}
              </tbody>
            </table>
            {{^lignes}}<p>Aucun enseignant désigné pour une mission de la session.</p>{{/lignes}}
            {{#gestionnaire}}
            <h2>5. Services faits</h2>
            <p>Reçus de Santorin à la clôture de chaque épreuve. Total : <strong>{{totalServices}}</strong>. <a href="{{csv}}">Exporter pour la paie (CSV)</a></p>
            <table>
              <thead><tr><th scope="col">Épreuve</th><th scope="col">Centres</th><th scope="col">Intervenant</th><th scope="col">Candidats évalués</th><th scope="col">Rémunération</th><th scope="col">Montant</th></tr></thead>
              <tbody>{{#services}}<tr><td>{{epreuve}}</td><td>{{centres}}</td><td>{{personne}}</td><td>{{candidats}}</td><td>{{remuneration}}</td><td>{{montant}}</td></tr>{{/services}}</tbody>
            </table>
            {{/gestionnaire}}
            """,
        "remontee": """
            <h1>Remontée des notes — session {{session}}</h1>
            <table>
              <thead><tr><th scope="col">Centre</th><th scope="col">Épreuve</th><th scope="col">Affectés</th><th scope="col">Notes</th><th scope="col">Absents</th><th scope="col">Manquants</th></tr></thead>
              <tbody>{{#lignes}}<tr><td>{{centre}}</td><td>{{epreuve}}</td><td>{{affectes}}</td><td>{{notes}}</td><td>{{absents}}</td><td>{{manquants}}</td></tr>{{/lignes}}</tbody>
            </table>
            """,
        "sujets": """
            <h1>Banque de sujets — session {{session}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <form method="get" action="/sujets" class="filtres">
              <label for="f-epreuve">Épreuve</label>
              <select id="f-epreuve" name="epreuve"><option value="">toutes</option>{{#epreuves}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{libelle}}</option>{{/epreuves}}</select>
              <label for="f-statut">Statut</label>
              <select id="f-statut" name="statut"><option value="">tous</option>{{#statuts}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{libelle}}</option>{{/statuts}}</select>
              <p><button type="submit" class="secondaire">Filtrer</button></p>
            </form>
            <table>
              <caption>{{total}} sujets</caption>
              <thead><tr><th scope="col">Code</th><th scope="col">Épreuve</th><th scope="col">Dominante</th><th scope="col">Titre</th><th scope="col">Statut</th></tr></thead>
              <tbody>{{#lignes}}<tr><td><a href="/sujets/{{id}}">{{code}}</a></td><td>{{epreuve}}</td><td>{{dominante}}</td><td>{{titre}}</td><td>{{statut}}</td></tr>{{/lignes}}</tbody>
            </table>
            <h2>Nouveau sujet</h2>
            <form method="post" action="/sujets">
              <label for="n-epreuve">Épreuve</label>
              <select id="n-epreuve" name="epreuve" required>{{#epreuves}}<option value="{{code}}">{{libelle}}</option>{{/epreuves}}</select>
              <label for="n-code">Code du sujet</label><input id="n-code" name="code" required maxlength="32" pattern="[A-Za-z0-9._\\-]+" aria-describedby="n-code-aide">
              <p id="n-code-aide" class="aide">Lettres, chiffres, « - », « _ » et « . » (32 caractères au plus).</p>
              <label for="n-titre">Titre</label><input id="n-titre" name="titre" required maxlength="200">
              <label for="n-dominante">Dominante (physique-chimie)</label>
              <select id="n-dominante" name="dominante"><option value="">aucune</option>{{#dominantes}}<option>{{.}}</option>{{/dominantes}}</select>
              <label for="n-materiel">Matériel (un élément par ligne)</label><textarea id="n-materiel" name="materiel" rows="3"></textarea>
              <p><button type="submit" id="creer-sujet">Créer le sujet</button></p>
            </form>
            """,
        "materiel": """
            <h1>Liste du matériel — sujet {{code}}</h1>
            <p>{{epreuve}}, session {{session}}{{#dominante}}, dominante {{dominante}}{{/dominante}}. Visible à partir du {{visibleLe}}.</p>
            {{#titre}}<p>Titre : {{titre}}</p>{{/titre}}
            <h2>Matériel à préparer</h2>
            {{#aMateriel}}<ul id="materiel">{{#materiel}}<li>{{.}}</li>{{/materiel}}</ul>{{/aMateriel}}
            {{^aMateriel}}<p>Aucun matériel particulier.</p>{{/aMateriel}}
            <h2>Documents</h2>
            {{#visible}}<ul id="documents">{{#documents}}<li><a href="{{lien}}">{{libelle}} (PDF, {{taille}})</a></li>{{/documents}}</ul>{{/visible}}
            {{^visible}}<p class="info">Les documents du sujet seront lisibles à partir du {{visibleLe}}.</p>{{/visible}}
            """,
        "sujet": """
            <p><a href="/sujets">← Banque de sujets</a></p>
            <h1>Sujet {{code}} — {{titre}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <p>{{epreuve}}, session {{session}}, dominante {{dominante}}. Statut : <strong id="statut">{{statut}}</strong>{{#publie}}, visible à partir du {{visibleLe}}{{/publie}}.</p>
            {{#materiel}}<p>Matériel : {{materiel}}</p>{{/materiel}}
            <h2>Documents</h2>
            <table>
              <thead><tr><th scope="col">Document</th><th scope="col">Fichier</th><th scope="col">Déposer un PDF</th></tr></thead>
              <tbody>{{#documents}}<tr><td>{{libelle}}</td><td>{{#lien}}<a href="{{lien}}">{{nom}}</a> ({{taille}}){{/lien}}{{^lien}}aucun{{/lien}}</td>
                <td>{{#brouillon}}<form class="depot en-ligne" data-sujet="{{id}}" data-nature="{{nature}}"><label for="doc-{{nature}}" class="evitement">{{libelle}} (PDF)</label><input id="doc-{{nature}}" type="file" accept="application/pdf" required><button type="submit" class="secondaire">Déposer</button></form>{{/brouillon}}</td></tr>{{/documents}}</tbody>
            </table>
            <h2>Barème à compétences <small>({{version}})</small></h2>
            <script type="application/json" id="bareme-initial">{{{bareme}}}</script>
            <div id="bareme" data-sujet="{{id}}" data-modifiable="{{#brouillon}}oui{{/brouillon}}">
              <noscript><p class="alerte">L'éditeur de barème a besoin de JavaScript ; l'API <code>PUT /api/referentiel/sujets/{{id}}/bareme</code> reste disponible.</p></noscript>
            </div>
            <h2>Cycle de vie</h2>
            {{#brouillon}}<form method="post" action="/sujets/{{id}}/validation"><p><button type="submit" id="valider">Valider le sujet (fige le barème)</button></p></form>{{/brouillon}}
            {{#valide}}
            <form method="post" action="/sujets/{{id}}/publication">
              <label for="visible">Visible par les centres à partir du (heure de Paris)</label>
              <input id="visible" name="visibleLe" type="datetime-local" required>
              <p><button type="submit" id="publier">Publier</button></p>
            </form>
            <form method="post" action="/sujets/{{id}}/reouverture"><p><button type="submit" class="secondaire">Rouvrir pour modifier</button></p></form>
            {{/valide}}
            {{#publie}}<form method="post" action="/sujets/{{id}}/retrait"><p><button type="submit" class="secondaire" id="retirer">Retirer le sujet</button></p></form>{{/publie}}
            <script src="/assets/bareme.js" defer></script>
            <script src="/assets/gestion.js" defer></script>
            """,
        "etablissements": """
            <h1>Établissements et centres d'épreuve — {{titre}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <h2>Importer l'annuaire des établissements</h2>
            <form id="import" data-url="/api/inscriptions/etablissements/import">
              <label for="fichier">Fichier CSV (colonnes uai;nom;commune;academie;autonome, et latitude;longitude si connues ; UTF-8 ou Windows-1252)</label>
              <input id="fichier" type="file" accept=".csv,text/csv" required>
              <label class="choix"><input type="checkbox" id="partiel"> Importer les lignes valides même si d'autres sont en erreur</label>
              <p><button type="submit" id="importer">Importer</button></p>
              <noscript><p class="alerte">L'import a besoin de JavaScript ; l'API <code>POST /api/inscriptions/etablissements/import</code> reste disponible.</p></noscript>
            </form>
            <div id="rapport" role="status" aria-live="polite"></div>
            <h2>Rechercher</h2>
            <form method="get" action="/etablissements" class="filtres">
              {{#admin}}<label for="r-academie">Académie</label>
              <select id="r-academie" name="academie"><option value="">toutes</option>{{#academies}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{code}} — {{nom}}</option>{{/academies}}</select>{{/admin}}
              <label for="r-q">UAI ou nom</label><input id="r-q" name="q" value="{{recherche}}" maxlength="100">
              <label class="choix"><input type="checkbox" name="centres" value="oui" id="r-centres"{{#centres}} checked{{/centres}}> Centres d'épreuve seulement</label>
              <p><button type="submit" class="secondaire" id="rechercher">Rechercher</button></p>
            </form>
            <table id="etablissements">
              <caption>{{total}} établissement(s) — page {{page}} sur {{pages}}</caption>
              <thead><tr><th scope="col">UAI</th><th scope="col">Nom</th><th scope="col">Commune</th><th scope="col">Académie</th><th scope="col">Autonome</th><th scope="col">Centre d'épreuve</th></tr></thead>
              <tbody>{{#etablissements}}<tr><td><a href="/etablissements/{{uai}}">{{uai}}</a></td><td>{{nom}}</td><td>{{commune}}</td><td>{{academie}}</td><td>{{autonome}}</td><td>{{centre}}</td></tr>{{/etablissements}}</tbody>
            </table>
            <p>{{#precedente}}<a href="{{precedente}}">Page précédente</a> {{/precedente}}{{#suivante}}<a href="{{suivante}}">Page suivante</a>{{/suivante}}</p>
            <h2>Ajouter un établissement</h2>
            <form method="post" action="/etablissements">
              <label for="n-uai">UAI (7 chiffres et la lettre de contrôle)</label><input id="n-uai" name="uai" required maxlength="8">
              <label for="n-nom">Nom</label><input id="n-nom" name="nom" required maxlength="200">
              <label for="n-commune">Commune</label><input id="n-commune" name="commune" maxlength="100">
              <label for="n-academie">Académie</label>
              <select id="n-academie" name="academie">{{#academies}}{{#admin}}<option value="{{code}}">{{code}} — {{nom}}</option>{{/admin}}{{^admin}}{{#choisie}}<option value="{{code}}">{{code}} — {{nom}}</option>{{/choisie}}{{/admin}}{{/academies}}</select>
              <label class="choix"><input type="checkbox" name="autonome" value="oui" id="n-autonome" checked> Autonome (a son laboratoire, affecte ses candidats)</label>
              <p><button type="submit" id="ajouter">Ajouter l'établissement</button></p>
            </form>
            {{#admin}}
            <h2>Académies et regroupements de centres étrangers</h2>
            <table id="academies">
              <thead><tr><th scope="col">Code</th><th scope="col">Nom</th><th scope="col">Nature</th></tr></thead>
              <tbody>{{#academies}}<tr><td>{{code}}</td><td>{{nom}}</td><td>{{nature}}</td></tr>{{/academies}}</tbody>
            </table>
            <form method="post" action="/academies">
              <label for="a-code">Code (2 ou 3 chiffres ou lettres)</label><input id="a-code" name="code" required maxlength="3">
              <label for="a-nom">Nom</label><input id="a-nom" name="nom" required maxlength="100">
              <label for="a-nature">Nature</label>
              <select id="a-nature" name="nature"><option value="academie">académie</option><option value="regroupement">regroupement de centres étrangers</option></select>
              <p><button type="submit" id="enregistrer-academie">Enregistrer l'académie</button></p>
            </form>
            {{/admin}}
            <script src="/assets/gestion.js" defer></script>
            """,
        "etablissement": """
            <p><a href="/etablissements">← Établissements</a></p>
            <h1>{{nom}} ({{uai}})</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            <h2>L'établissement</h2>
            <form method="post" action="/etablissements/{{uai}}">
              <label for="e-nom">Nom</label><input id="e-nom" name="nom" required maxlength="200" value="{{nom}}">
              <label for="e-commune">Commune</label><input id="e-commune" name="commune" maxlength="100" value="{{commune}}">
              <label for="e-academie">Académie (code)</label><input id="e-academie" name="academie" required maxlength="3" value="{{academie}}"{{^admin}} readonly{{/admin}}>
              <label class="choix"><input type="checkbox" name="autonome" value="oui" id="e-autonome"{{#autonome}} checked{{/autonome}}> Autonome (a son laboratoire, affecte ses candidats)</label>
              <label for="e-latitude">Latitude (degrés décimaux, pour suggérer le centre le plus proche)</label><input id="e-latitude" name="latitude" inputmode="decimal" maxlength="20" value="{{latitude}}">
              <label for="e-longitude">Longitude</label><input id="e-longitude" name="longitude" inputmode="decimal" maxlength="20" value="{{longitude}}">
              <p><button type="submit" id="enregistrer-etablissement">Enregistrer l'établissement</button></p>
            </form>
            <h2>Centre d'épreuve</h2>
            <p class="aide">{{#estCentre}}L'établissement est centre d'épreuve.{{/estCentre}}{{^estCentre}}L'établissement n'est pas centre d'épreuve : le formulaire ci-dessous l'en fait un.{{/estCentre}} Un centre ne cesse d'accueillir une épreuve, ni ne descend sous le nombre de ses candidats affectés, tant qu'une session ouverte lui en affecte.</p>
            <form method="post" action="/etablissements/{{uai}}/centre">
              <label for="c-capacite">Places par demi-journée</label><input id="c-capacite" name="capacite" type="number" min="1" max="1000" required value="{{capacite}}">
              <label for="c-demi">Demi-journées d'épreuve</label><input id="c-demi" name="demiJournees" type="number" min="1" max="40" required value="{{demiJournees}}">
              <fieldset><legend>Épreuves accueillies</legend>
              {{#epreuves}}<label class="choix"><input type="checkbox" name="epreuve" value="{{code}}"{{#accueillie}} checked{{/accueillie}}> {{libelle}}</label>{{/epreuves}}
              </fieldset>
              <label for="c-salles">Salles (une par ligne)</label><textarea id="c-salles" name="salles" rows="4" maxlength="6000">{{salles}}</textarea>
              <p><button type="submit" id="enregistrer-centre">Enregistrer le centre d'épreuve</button></p>
            </form>
            {{#estCentre}}<form method="post" action="/etablissements/{{uai}}/centre/retrait"><p><button type="submit" class="secondaire" id="retirer-centre">Ne plus être centre d'épreuve</button></p></form>{{/estCentre}}
            """,
        "inscriptions": """
            <h1>Inscriptions et affectations — session {{session}}</h1>
            {{#message}}<p class="info" role="status">{{message}}</p>{{/message}}
            {{#gestionnaire}}
            <h2>1. Importer le fichier des candidats</h2>
            <form id="import" data-url="/api/inscriptions/sessions/{{session}}/import">
              <label for="fichier">Fichier CSV (colonnes numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve ; UTF-8 ou Windows-1252)</label>
              <input id="fichier" type="file" accept=".csv,text/csv" required>
              <label class="choix"><input type="checkbox" id="partiel"> Importer les lignes valides même si d'autres sont en erreur</label>
              <p><button type="submit" id="importer">Importer</button></p>
              <noscript><p class="alerte">L'import a besoin de JavaScript ; l'API <code>POST /api/inscriptions/sessions/{{session}}/import</code> reste disponible.</p></noscript>
            </form>
            <div id="rapport" role="status" aria-live="polite"></div>
            {{/gestionnaire}}
            <h2>2. Délégations de l'affectation aux établissements</h2>
            <table>
              <thead><tr><th scope="col">Épreuve</th><th scope="col">Établissement</th>{{#gestionnaire}}<th scope="col">Action</th>{{/gestionnaire}}</tr></thead>
              <tbody>{{#delegations}}<tr><td>{{epreuve}}</td><td>{{etablissement}}</td>{{#gestionnaire}}<td><form method="post" action="/inscriptions/delegations/retrait" class="en-ligne"><input type="hidden" name="epreuve" value="{{epreuve}}"><input type="hidden" name="uai" value="{{uai}}"><button type="submit" class="secondaire">Retirer</button></form></td>{{/gestionnaire}}</tr>{{/delegations}}</tbody>
            </table>
            {{#gestionnaire}}
            <form method="post" action="/inscriptions/delegations">
              <label for="d-epreuve">Épreuve</label>
              <select id="d-epreuve" name="epreuve">{{#epreuves}}<option value="{{code}}">{{libelle}}</option>{{/epreuves}}</select>
              <label for="d-uai">Établissement</label>
              <select id="d-uai" name="uai">{{#etablissements}}<option value="{{code}}">{{libelle}}</option>{{/etablissements}}</select>
              <p><button type="submit" id="deleguer" class="secondaire">Déléguer</button></p>
            </form>
            {{/gestionnaire}}
            <h2>3. Affectation des candidats aux centres d'épreuve</h2>
            <form method="get" action="/inscriptions" class="filtres">
              <label for="f-epreuve">Épreuve</label>
              <select id="f-epreuve" name="epreuve"><option value="">{{#gestionnaire}}toutes{{/gestionnaire}}{{^gestionnaire}}choisir une épreuve déléguée{{/gestionnaire}}</option>{{#epreuves}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{libelle}}</option>{{/epreuves}}</select>
              {{#gestionnaire}}<label for="f-origine">Établissement d'origine</label>
              <select id="f-origine" name="origine"><option value="">tous</option>{{#etablissements}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{libelle}}</option>{{/etablissements}}</select>{{/gestionnaire}}
              <p><button type="submit" class="secondaire" id="afficher">Afficher</button></p>
            </form>
            {{#listeCandidats}}
            <table>
              <caption>{{total}} candidats (200 premiers affichés)</caption>
              <thead><tr><th scope="col">N°</th><th scope="col">Candidat</th><th scope="col">Catégorie</th><th scope="col">Origine</th><th scope="col">Division</th><th scope="col">Épreuves → centre</th></tr></thead>
              <tbody>{{#candidats}}<tr><td>{{numero}}</td><td>{{nom}}</td><td>{{categorie}}</td><td>{{origine}}</td><td>{{division}}</td><td>{{affectations}}</td></tr>{{/candidats}}</tbody>
            </table>
            {{/listeCandidats}}
            <h3>Affecter un candidat (cas particuliers : individuels, CNED, établissements sans laboratoire)</h3>
            <form method="post" action="/inscriptions/affectations">
              <label for="a-numero">Numéro du candidat</label><input id="a-numero" name="numero" required maxlength="20">
              <label for="a-epreuve">Épreuve</label>
              <select id="a-epreuve" name="epreuve">{{#epreuves}}<option value="{{code}}"{{#choisie}} selected{{/choisie}}>{{libelle}}</option>{{/epreuves}}</select>
              <label for="a-centre">Centre d'épreuve</label>
              <select id="a-centre" name="centre">{{#centres}}<option value="{{code}}">{{libelle}}</option>{{/centres}}</select>
              <p><button type="submit" id="affecter">Affecter</button></p>
            </form>
            <h3>Suggestions ({{nombreSuggestions}} inscriptions non affectées, {{suggestionsApplicables}} avec un centre proposé)</h3>
            <table>
              <thead><tr><th scope="col">N°</th><th scope="col">Épreuve</th><th scope="col">Centre proposé</th></tr></thead>
              <tbody>{{#suggestions}}<tr><td>{{numero}}</td><td>{{epreuve}}</td><td>{{centre}}</td></tr>{{/suggestions}}</tbody>
            </table>
            <form method="post" action="/inscriptions/affectations/suggestions">
              <input type="hidden" name="epreuve" value="{{#epreuves}}{{#choisie}}{{code}}{{/choisie}}{{/epreuves}}">
              <p><button type="submit" class="secondaire" id="appliquer">Appliquer les suggestions</button></p>
            </form>
            {{#gestionnaire}}<form method="post" action="/inscriptions/affectations/publication"><p><button type="submit" id="publier">Publier les affectations vers Santorin</button></p></form>{{/gestionnaire}}
            <h2>4. Désignation des examinateurs{{#gestionnaire}} et coordinateurs{{/gestionnaire}}</h2>
            <table>
              <thead><tr><th scope="col">Rôle</th><th scope="col">Épreuve</th><th scope="col">Centre</th><th scope="col">Personne</th><th scope="col">Action</th></tr></thead>
              <tbody>{{#designations}}<tr><td>{{role}}</td><td>{{epreuve}}</td><td>{{centre}}</td><td>{{personne}}</td><td><form method="post" action="/inscriptions/designations/retrait" class="en-ligne"><input type="hidden" name="id" value="{{id}}"><button type="submit" class="secondaire">Retirer</button></form></td></tr>{{/designations}}</tbody>
            </table>
            <form method="post" action="/inscriptions/designations">
              <fieldset><legend>Désigner</legend>
              <label for="g-role">Rôle</label>
              <select id="g-role" name="role"><option value="examinateur">examinateur</option>{{#gestionnaire}}<option value="coordinateur">coordinateur (académie)</option>{{/gestionnaire}}</select>
              <label for="g-epreuve">Épreuve</label>
              <select id="g-epreuve" name="epreuve">{{#epreuves}}<option value="{{code}}">{{libelle}}</option>{{/epreuves}}</select>
              <label for="g-centre">Centre d'épreuve (examinateur)</label>
              <select id="g-centre" name="centre"><option value="">aucun (coordinateur)</option>{{#centres}}<option value="{{code}}">{{libelle}}</option>{{/centres}}</select>
              <label for="g-login">Identifiant</label><input id="g-login" name="login" required maxlength="128" autocomplete="off">
              <label for="g-nom">Nom</label><input id="g-nom" name="nom" required maxlength="100">
              <label for="g-prenom">Prénom</label><input id="g-prenom" name="prenom" required maxlength="100">
              <label for="g-email">Courriel</label><input id="g-email" name="email" type="email" maxlength="200">
              {{#gestionnaire}}<label for="g-uai">Établissement d'exercice (UAI)</label><input id="g-uai" name="uai" maxlength="8">{{/gestionnaire}}
              <label for="g-discipline">Discipline</label><input id="g-discipline" name="discipline" maxlength="100">
              <label for="g-divisions">Divisions enseignées cette année (séparées par des virgules)</label><input id="g-divisions" name="divisions" maxlength="500">
              <p><button type="submit" id="designer">Désigner</button></p>
              </fieldset>
            </form>
            <script src="/assets/gestion.js" defer></script>
            """,
        "erreur": """
            <h1>{{titre}}</h1>
            <p class="alerte">{{detail}}</p>
            <p><a href="/">Retour à l'accueil</a></p>
            """,
    ]
}
