import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The centre's pages (and the coordination's view of them): the commissions, and on one
/// commission its groups, slots, placement, distribution, lots, printing, closing and reopening.
extension WebController {
    struct Avancement: Decodable { var academie: String; var centre: String; var epreuve: String; var etat: String; var candidats: Int
        var aNoter: Int; var notees: Int; var absents: Int; var lots: Int; var lotsVerrouilles: Int }
    struct LigneVue { var epreuve: String; var centre: String; var candidats: Int; var aNoter: Int; var notees: Int; var absents: Int
        var lots: Int; var lotsVerrouilles: Int; var etat: String; var lien: String? }

    @Sendable func commissions(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            struct Items: Decodable { var items: [Avancement] }
            // One exam when asked (a coordinator's mission links here).
            let epreuve = request.uri.queryParameters["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let items = try decode(Items.self, try await api(.get, "correction", "/api/correction/sessions/\(annee)/suivi"
                                                             + (epreuve.map { "?epreuve=\($0.rawValue)" } ?? ""), session: session)).items
            let noms = await nomsEtablissements(session)
            let lignes = items.map { a in
                LigneVue(epreuve: a.epreuve, centre: Libelle.etablissement(a.centre, noms), candidats: a.candidats, aNoter: a.aNoter,
                         notees: a.notees, absents: a.absents, lots: a.lots, lotsVerrouilles: a.lotsVerrouilles, etat: Libelle.etatCommission(a.etat),
                         lien: a.centre.isEmpty ? nil : "/centre/\(annee)/\(a.epreuve)/\(a.centre)")
            }
            let object: [String: Any] = ["titre": "session \(annee)" + (epreuve.map { ", \($0.rawValue) — \($0.libelle)" } ?? ""),
                                         "lignes": lignes]
            return page("commissions", titre: "Suivi de la correction", Self.avecMessage(object, request), session: session)
        }
    }

    struct CommissionVue: Decodable {
        var commission: Entete; var groupes: [Groupe]; var creneaux: [Creneau]; var candidats: Int; var nonDistribues: Int
        struct Entete: Decodable { var session: Int; var epreuve: String; var centre: String; var etat: String }
        struct Groupe: Decodable { var id: UUID; var nom: String; var membres: [UUID]; var candidats: Int; var notes: Int; var absents: Int; var brouillons: Int; var verrouille: Bool }
        struct Creneau: Decodable { var id: UUID; var jour: String; var demiJournee: String; var heure: String?; var sujets: [UUID]; var candidats: Int
            var capacite: Int; var choix: Bool? }
    }

    /// The candidate filters of the commission page (division, school, name range; not yet in a lot
    /// or a slot), as query pairs for Correction's list of sheets.
    static func filtresFiches(_ valeur: (String) -> String?) -> [(String, String)] {
        ["division", "origine", "nomDe", "nomA", "groupe"].compactMap { key in
            valeur(key).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0.count > 40 ? nil : (key, $0) }
        } + ["nonDistribues", "sansCreneau"].filter { valeur($0) == "true" }.map { ($0, "true") }
    }

    static func requete(_ filtres: [(String, String)]) -> String {
        filtres.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    func commissionPath(_ context: ECERequestContext) throws -> (api: String, page: String) {
        guard let epreuve = context.parameters.get("epreuve"), let centre = context.parameters.get("centre"),
            [epreuve, centre].allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { throw Problem.notFound("commission") }
        let annee = try context.session()
        return ("/api/correction/sessions/\(annee)/epreuves/\(epreuve)/centres/\(centre)", "/centre/\(annee)/\(epreuve)/\(centre)")
    }

    @Sendable func commission(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let vue = try decode(CommissionVue.self, try await api(.get, "correction", base, session: session))
            struct Examinateur: Decodable { var intervenantId: UUID; var login: String; var nom: String; var prenom: String }
            struct Sujet: Decodable { var id: UUID; var code: String; var dominante: String?; var titre: String?; var visibleFrom: Date }
            struct Items<T: Decodable>: Decodable { var items: [T] }
            let organise = session.identity.role == .centre && vue.commission.etat == "ouverte"
            let examinateurs = organise ? try decode(Items<Examinateur>.self, try await api(.get, "correction", base + "/examinateurs", session: session)).items : []
            // The exam's subjects, for all who follow the commission (titles only once visible): the slots
            // name them, the slot form offers them, and the centre and the coordinator read each one's
            // material list, and its documents once visible (Référentiel decides, `LectureSujet`).
            let preparation = [.centre, .coordinateur].contains(session.identity.role)
            let sujets = session.identity.role == .examinateur ? []
                : try decode(Items<Sujet>.self, try await api(.get, "correction", base + "/sujets", session: session)).items
            let libellesSujets = Dictionary(sujets.map { ($0.id, $0.code + ($0.titre.map { " — \($0)" } ?? " (sous embargo)")) },
                                            uniquingKeysWith: { a, _ in a })
            struct SujetVue { var id: String; var code: String; var dominante: String?; var titre: String?; var visibleLe: String
                var visible: Bool }
            let maintenant = Date()
            struct CreneauVue { var id: String; var jour: String; var demiJournee: String; var heure: String; var sujets: [String]; var candidats: Int
                var capacite: String; var complet: Bool; var choix: Bool; var convoques: [ConvoqueVue]
                var aConvoques: Bool }
            /// A candidate of a slot on the absence record: ticked when absent, not to tick once their grading began.
            struct ConvoqueVue { var id: String; var nom: String; var numero: String; var absent: Bool; var etat: String?; var modifiable: Bool }
            // Slots and manual distribution: the filters choose the sheets shown, the centre ticks them and
            // places them in a slot or moves them to a lot.
            let q = request.uri.queryParameters
            let filtres = Self.filtresFiches { q[Substring($0)].map(String.init) }
            struct FicheRef: Decodable { var id: UUID; var numero: String; var nom: String; var prenoms: String; var division: String?
                var uaiOrigine: String?; var groupeId: UUID?; var creneauId: UUID?; var statut: String }
            let nomsGroupes = Dictionary(vue.groupes.map { ($0.id, $0.nom) }, uniquingKeysWith: { a, _ in a })
            let nomsCreneaux = Dictionary(vue.creneaux.map { ($0.id, "\(FrenchFormat.jour($0.jour)), \(Libelle.demiJournee($0.demiJournee))") },
                                          uniquingKeysWith: { a, _ in a })
            let fiches = organise
                ? try decode(Items<FicheRef>.self, try await api(.get, "correction", base + "/fiches?" + Self.requete(filtres), session: session)).items
                : []
            // Every placed candidate, per slot, for the absence record (the filtered list may leave some out).
            let places = filtres.isEmpty ? fiches : organise
                ? try decode(Items<FicheRef>.self, try await api(.get, "correction", base + "/fiches", session: session)).items : []
            let parCreneau = Dictionary(grouping: places.filter { $0.creneauId != nil }, by: { $0.creneauId! })
            func convoques(_ creneau: UUID) -> [ConvoqueVue] {
                (parCreneau[creneau] ?? []).sorted { ($0.nom, $0.prenoms) < ($1.nom, $1.prenoms) }.map { f in
                    ConvoqueVue(id: f.id.uuidString.lowercased(), nom: "\(f.nom) \(f.prenoms)", numero: f.numero, absent: f.statut == "absent",
                                etat: f.statut == "a_noter" ? nil : Libelle.statutFiche(f.statut), modifiable: f.statut == "a_noter")
                }
            }
            struct FicheVue { var id: String; var numero: String; var nom: String; var division: String; var origine: String; var groupe: String
                var creneau: String }
            struct GroupeChoix { var id: String; var nom: String }
            let filtre = Dictionary(filtres, uniquingKeysWith: { a, _ in a })
            let noms = await nomsEtablissements(session)
            // Following the correction: the lots to lock for their examiner, unlock, reassign (the
            // centre, which alone distributes), a closed exam to reopen (the gestionnaire), and the audit.
            let role = session.identity.role
            let suivi = [.centre, .referent, .coordinateur, .gestionnaire].contains(role) && vue.commission.etat == "ouverte"
            struct LotVue { var id: String; var nom: String; var candidats: Int; var notes: Int; var absents: Int; var brouillons: Int
                var verrouille: Bool; var verrouillable: Bool; var cibles: [GroupeChoix]; var reaffectable: Bool }
            let lots = vue.groupes.map { g in
                let cibles = organise && !g.verrouille && g.candidats > 0
                    ? vue.groupes.filter { $0.id != g.id && !$0.verrouille }.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: $0.nom) }
                    : []
                return LotVue(id: g.id.uuidString.lowercased(), nom: g.nom, candidats: g.candidats, notes: g.notes, absents: g.absents,
                              brouillons: g.brouillons, verrouille: g.verrouille,
                              verrouillable: suivi && !g.verrouille && g.candidats > 0 && g.notes + g.absents == g.candidats,
                              cibles: cibles, reaffectable: !cibles.isEmpty)
            }
            struct MembreChoix { var intervenantId: String; var nom: String; var prenom: String; var login: String; var membre: Bool }
            struct GroupeModifiable { var id: String; var nom: String; var vide: Bool; var choix: [MembreChoix] }
            struct Entree: Decodable { var le: Date; var acteur: String; var action: String; var motif: String?; var lot: String? }
            struct EntreeVue { var le: String; var acteur: String; var action: String; var lot: String; var motif: String }
            let journal = role == .examinateur ? [] : try decode(Items<Entree>.self, try await api(.get, "correction", base + "/audit", session: session)).items
            let object: [String: Any] = [
                "filtre": filtre, "nonDistribuesSeuls": filtre["nonDistribues"] != nil,
                "fiches": fiches.map { FicheVue(id: $0.id.uuidString.lowercased(), numero: $0.numero, nom: "\($0.nom) \($0.prenoms)",
                                                division: $0.division ?? "", origine: $0.uaiOrigine.map { Libelle.etablissement($0, noms) } ?? "",
                                                groupe: $0.groupeId.flatMap { nomsGroupes[$0] } ?? "—",
                                                creneau: $0.creneauId.flatMap { nomsCreneaux[$0] } ?? "—") },
                "choixGroupes": vue.groupes.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: $0.nom) },
                "choixCreneaux": vue.creneaux.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: nomsCreneaux[$0.id] ?? "") },
                "sansCreneauSeuls": filtre["sansCreneau"] != nil,
                "session": vue.commission.session, "epreuve": vue.commission.epreuve, "centre": Libelle.etablissement(vue.commission.centre, noms),
                "etat": Libelle.etatCommission(vue.commission.etat), "zip": vue.commission.etat == "close" && [.centre, .gestionnaire].contains(session.identity.role), "candidats": vue.candidats,
                "nonDistribues": vue.nonDistribues, "groupes": lots, "base": base, "page": pagePath, "ouverte": organise,
                "suivi": suivi, "aJournal": !journal.isEmpty, "rouvrir": role == .gestionnaire && vue.commission.etat == "close",
                "journal": journal.map { EntreeVue(le: FrenchFormat.moment($0.le), acteur: $0.acteur, action: Libelle.actionAudit($0.action),
                                                   lot: $0.lot ?? "", motif: $0.motif ?? "") },
                "examinateurs": examinateurs, "preparation": preparation && !sujets.isEmpty,
                "sujets": sujets.map { SujetVue(id: $0.id.uuidString.lowercased(), code: $0.code, dominante: $0.dominante, titre: $0.titre,
                                                visibleLe: FrenchFormat.moment($0.visibleFrom), visible: $0.visibleFrom <= maintenant) },
                // Changing a group: its name, its examiners (an ill one unticked, the replacement ticked), dissolving it when empty.
                "aModifiables": vue.groupes.contains { !$0.verrouille },
                "modifiables": vue.groupes.filter { !$0.verrouille }.map { g in
                    GroupeModifiable(id: g.id.uuidString.lowercased(), nom: g.nom, vide: g.candidats == 0,
                                     choix: examinateurs.map { MembreChoix(intervenantId: $0.intervenantId.uuidString.lowercased(), nom: $0.nom,
                                                                           prenom: $0.prenom, login: $0.login, membre: g.membres.contains($0.intervenantId)) })
                },
                "creneaux": vue.creneaux.map { CreneauVue(id: $0.id.uuidString.lowercased(), jour: FrenchFormat.jour($0.jour),
                                                          demiJournee: Libelle.demiJournee($0.demiJournee),
                                                          heure: $0.heure.flatMap(FrenchFormat.heure) ?? "—",
                                                          sujets: $0.sujets.map { libellesSujets[$0] ?? "sujet non publié" },
                                                          candidats: $0.candidats, capacite: $0.capacite == 0 ? "aucun groupe formé" : "\($0.capacite)",
                                                          complet: $0.capacite > 0 && $0.candidats >= $0.capacite, choix: $0.choix == true,
                                                          convoques: convoques($0.id), aConvoques: !convoques($0.id).isEmpty) },
                // The attendance sheet for whoever follows the commission; the convocations for the centre and the académie.
                "emargement": role != .examinateur, "convocations": [.centre, .gestionnaire].contains(role),
                // Harmonisation before closing: the second looks' page (to ask and settle them, or to read them).
                "harmonisation": role != .examinateur,
            ]
            return page("commission", titre: "\(vue.commission.epreuve) — \(vue.commission.centre)", Self.avecMessage(object, request), session: session)
        }
    }

    /// A commission page's form: one call on the commission's API, then back to its page.
    private func action(_ request: Request, _ context: ECERequestContext, _ suffix: String, json: String?, success: String,
                        expected: HTTPResponse.Status = .ok) async throws -> Response {
        let (base, pagePath) = try commissionPath(context)
        return try await formulaire(request, context, service: "correction", base + suffix, json: json, retour: pagePath,
                                    success: success, expected: [expected])
    }

    /// The ticked sheets go to the chosen group's lot ("" takes them out of any lot).
    @Sendable func repartir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        struct Deplacement: Encodable { var fiches: [String]; var groupeId: String? }
        let groupe = form["groupe"]?.last.flatMap { $0.isEmpty ? nil : $0 }
        return try await action(request, context, "/distribution", json: Self.json(Deplacement(fiches: form["fiche"] ?? [], groupeId: groupe)),
                                success: groupe == nil ? "Candidats retirés de leur lot." : "Candidats placés dans le lot du groupe.")
    }

    /// The ticked candidates, or every candidate in no slot that the filter retains (`tous`), into the
    /// chosen slot; no slot takes the ticked ones out of theirs. Correction checks the slot's room.
    @Sendable func placer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let choisi = form["creneau"]?.last ?? ""
            guard choisi.isEmpty || UUID(uuidString: choisi) != nil else {
                throw Redirect(to: pagePath, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
            }
            var fiches = form["fiche"] ?? []
            if form["tous"] != nil {
                guard !choisi.isEmpty else {
                    throw Redirect(to: pagePath, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
                }
                struct Ref: Decodable { var id: UUID }
                struct Items: Decodable { var items: [Ref] }
                let filtres = Self.filtresFiches { form[$0]?.last }.filter { $0.0 != "sansCreneau" } + [("sansCreneau", "true")]
                fiches = try decode(Items.self, try await api(.get, "correction", base + "/fiches?" + Self.requete(filtres), session: session))
                    .items.map(\.id.uuidString)
            }
            guard !fiches.isEmpty else {
                throw Redirect(to: pagePath, message: "Placement refusé : aucun candidat choisi.", cookies: session.setCookies)
            }
            let chemin = choisi.isEmpty ? base + "/creneaux/retrait" : base + "/creneaux/\(choisi)/candidats"
            let reply = try await api(.post, "correction", chemin, session: session, json: Self.json(["fiches": fiches]))
            let message = reply.status != .ok ? "Placement refusé : \(Self.detail(reply))"
                : choisi.isEmpty ? "\(fiches.count) candidat(s) retiré(s) de leur créneau."
                : "\(fiches.count) candidat(s) placé(s) dans le créneau."
            throw Redirect(to: pagePath, message: message, cookies: session.setCookies)
        }
    }

    /// The automatic distribution with the criteria of the page's form, then its report: who went to
    /// which group, who could not be placed and why.
    @Sendable func distribuer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let reply = try await api(.post, "correction", base + "/distribution/automatique", session: session,
                                      json: Self.json(["garderDivisions": form["garderDivisions"] == "true"]))
            guard reply.status == .ok else {
                throw Redirect(to: pagePath, message: "Distribution refusée : \(Self.detail(reply))", cookies: session.setCookies)
            }
            struct Rapport: Decodable {
                var distribues: Int; var placements: [Placement]; var nonPlaces: [NonPlace]
                struct Placement: Decodable { var numero: String; var nom: String; var groupe: String; var examinateurs: [String] }
                struct NonPlace: Decodable { var numero: String; var nom: String; var motif: String }
            }
            let rapport = try decode(Rapport.self, reply)
            struct PlacementVue { var numero: String; var nom: String; var groupe: String; var examinateurs: String }
            struct NonPlaceVue { var numero: String; var nom: String; var motif: String }
            let bilan = rapport.distribues == 0 ? "Aucun candidat distribué." : "\(rapport.distribues) candidat(s) distribué(s)."
            let object: [String: Any] = [
                "page": pagePath, "bilan": bilan, "garderDivisions": form["garderDivisions"] == "true",
                "placements": rapport.placements.map { PlacementVue(numero: $0.numero, nom: $0.nom, groupe: $0.groupe,
                                                                    examinateurs: $0.examinateurs.joined(separator: ", ")) },
                "aPlacements": !rapport.placements.isEmpty, "aNonPlaces": !rapport.nonPlaces.isEmpty,
                "nonPlaces": rapport.nonPlaces.map { NonPlaceVue(numero: $0.numero, nom: $0.nom, motif: Libelle.refusDistribution($0.motif)) },
            ]
            return page("repartition", titre: "Rapport de la distribution automatique", object, session: session)
        }
    }

    @Sendable func cloturer(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await action(request, context, "/cloture", json: nil, success: "Épreuve clôturée : les notes partent vers Cyclades.")
    }

    @Sendable func creerGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        struct Groupe: Encodable { var nom: String; var membres: [String] }
        return try await action(request, context, "/groupes",
                                json: Self.json(Groupe(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? [])),
                                success: "Groupe créé.", expected: .created)
    }

    @Sendable func creerCreneau(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        struct Creneau: Encodable { var jour: String; var demiJournee: String; var heure: String?; var sujets: [String]; var choix: Bool }
        // An empty time field: none (Correction refuses anything but HH:MM).
        let heure = form["heure"]?.last.flatMap { $0.isEmpty ? nil : $0 }
        return try await action(request, context, "/creneaux",
                                json: Self.json(Creneau(jour: form["jour"]?.last ?? "", demiJournee: form["demiJournee"]?.last ?? "", heure: heure,
                                                        sujets: form["sujet"] ?? [], choix: form["choix"]?.last == "oui")),
                                success: "Créneau créé.", expected: .created)
    }

    /// A group's new name and examiners; Correction rechecks the rules (convoked, in no other group,
    /// never a candidate's teacher, four per examiner in a slot).
    @Sendable func modifierGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        let (base, pagePath) = try commissionPath(context)
        let groupe = try context.uuid(of: "groupe")
        struct Changement: Encodable { var nom: String; var membres: [String] }
        return try await formulaire(request, context, .patch, service: "correction", base + "/groupes/\(groupe)",
                                    json: Self.json(Changement(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? [])),
                                    retour: pagePath, success: "Groupe modifié.", expected: [.noContent], refus: "Modification refusée")
    }

    @Sendable func dissoudreGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (base, pagePath) = try commissionPath(context)
        let groupe = try context.uuid(of: "groupe")
        return try await formulaire(request, context, .delete, service: "correction", base + "/groupes/\(groupe)", json: nil,
                                    retour: pagePath, success: "Groupe dissous.", expected: [.noContent], refus: "Dissolution refusée")
    }

    /// A lot's form on the commission page: one call on the lot's API (which checks the caller's
    /// perimeter on the lot's own commission), then back to the page.
    private func lotAction(_ request: Request, _ context: ECERequestContext, _ suffix: String, json: String?, success: String,
                           refus: String, expected: HTTPResponse.Status) async throws -> Response {
        let (_, pagePath) = try commissionPath(context)
        let lot = try context.uuid(of: "lot")
        return try await formulaire(request, context, service: "correction", "/api/correction/groupes/\(lot)/\(suffix)", json: json,
                                    retour: pagePath, success: success, expected: [expected], refus: refus)
    }

    @Sendable func verrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await lotAction(request, context, "verrouillage", json: nil, success: "Lot verrouillé pour son examinateur.",
                            refus: "Verrouillage refusé", expected: .ok)
    }

    @Sendable func deverrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await lotAction(request, context, "deverrouillage", json: Self.json(["motif": form["motif"] ?? ""]),
                                   success: "Lot déverrouillé.", refus: "Déverrouillage refusé", expected: .noContent)
    }

    /// Every sheet of a lot to another group's lot: the manual distribution's API (the centre's),
    /// on the sheets the commission lists in that lot.
    @Sendable func reaffecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let lot = try context.uuid(of: "lot")
            guard let vers = form["vers"].flatMap(UUID.init(uuidString:)) else {
                throw Redirect(to: pagePath, message: "Réaffectation refusée : choisissez le groupe qui reprend le lot.", cookies: session.setCookies)
            }
            struct Ref: Decodable { var id: UUID }
            struct Items: Decodable { var items: [Ref] }
            let fiches = try decode(Items.self, try await api(.get, "correction", base + "/fiches?groupe=\(lot)", session: session)).items
            guard !fiches.isEmpty else { throw Redirect(to: pagePath, message: "Réaffectation refusée : lot vide.", cookies: session.setCookies) }
            struct Deplacement: Encodable { var fiches: [UUID]; var groupeId: UUID }
            let reply = try await api(.post, "correction", base + "/distribution", session: session,
                                      json: Self.json(Deplacement(fiches: fiches.map(\.id), groupeId: vers)))
            let message = reply.status == .ok ? "Lot réaffecté : \(fiches.count) candidats déplacés." : "Réaffectation refusée : \(Self.detail(reply))"
            throw Redirect(to: pagePath, message: message, cookies: session.setCookies)
        }
    }

    /// The absent candidates ticked on a slot's record, sheet in hand: Correction records them as the
    /// editor does and names those it leaves as they stand (grading begun, lot locked).
    @Sendable func releverAbsences(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let creneau = try context.uuid(of: "créneau")
            let absence = form["absence"]?.last ?? "injustifiee"
            let fiches = form["absent"] ?? []
            guard ["injustifiee", "justifiee"].contains(absence), !fiches.isEmpty, fiches.allSatisfy({ UUID(uuidString: $0) != nil }) else {
                throw Redirect(to: pagePath, message: "Relevé refusé : cochez au moins un candidat absent, l'absence justifiée ou non.", cookies: session.setCookies)
            }
            struct Releve: Encodable { var fiches: [String]; var absence: String }
            let reply = try await api(.post, "correction", base + "/creneaux/\(creneau)/absences", session: session,
                                      json: Self.json(Releve(fiches: fiches, absence: absence)))
            guard reply.status == .ok else {
                throw Redirect(to: pagePath, message: "Relevé refusé : \(Self.detail(reply))", cookies: session.setCookies)
            }
            struct Bilan: Decodable { var absents: [String]; var dejaRecensees: Int; var refus: [Refus]
                struct Refus: Decodable { var numero: String; var nom: String; var motif: String } }
            let bilan = try decode(Bilan.self, reply)
            let message = ["\(bilan.absents.count) absence(s) \(absence == "justifiee" ? "justifiée(s)" : "non justifiée(s)") enregistrée(s)."]
                + (bilan.dejaRecensees > 0 ? ["\(bilan.dejaRecensees) déjà enregistrée(s)."] : [])
                + bilan.refus.map { "\($0.nom) (\($0.numero)) laissé(e) tel(le) quel(le) : \($0.motif.split(separator: " / ").first ?? "")." }
            throw Redirect(to: pagePath, message: message.joined(separator: " "), cookies: session.setCookies)
        }
    }

    @Sendable func rouvrir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let (base, pagePath) = try commissionPath(context)
        return try await formulaire(request, context, service: "correction", base + "/reouverture", json: Self.json(["motif": form["motif"] ?? ""]),
                                    retour: pagePath, success: "Épreuve rouverte : le centre peut déverrouiller, corriger et clôturer à nouveau.",
                                    expected: [.noContent], refus: "Réouverture refusée")
    }
}
