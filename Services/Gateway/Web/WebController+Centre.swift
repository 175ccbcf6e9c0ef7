import Foundation
import HTTPTypes
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The centre's pages (and the coordination's view of them): the commissions, and on one
/// commission its groups, slots, placement, distribution, lots, printing, closing and reopening.
extension WebController {
    struct LigneVue { var epreuve: String; var centre: String; var candidats: Int; var aNoter: Int; var notees: Int; var absents: Int
        var lots: Int; var lotsVerrouilles: Int; var etat: String; var lien: String? }

    @Sendable func commissions(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            // One exam when asked (a coordinator's mission links here).
            let epreuve = request.uri.queryParameters["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let items = try await client(session).lireSuivi(path: .init(annee: annee), query: .init(epreuve: epreuve?.rawValue)).ok.body.json.items
            let noms = await nomsEtablissements(session)
            let lignes = items.map { a in
                LigneVue(epreuve: a.epreuve, centre: Libelle.etablissement(a.centre, noms), candidats: a.candidats, aNoter: a.aNoter,
                         notees: a.notees, absents: a.absents, lots: a.lots, lotsVerrouilles: a.lotsVerrouilles, etat: Libelle.etatCommission(a.etat.rawValue),
                         lien: a.centre.isEmpty ? nil : "/centre/\(annee)/\(a.epreuve)/\(a.centre)")
            }
            let object: [String: Any] = ["titre": "session \(annee)" + (epreuve.map { ", \($0.rawValue) — \($0.libelle)" } ?? ""),
                                         "lignes": lignes]
            return page("commissions", titre: "Suivi de la correction", Self.avecMessage(object, request), session: session)
        }
    }

    /// The candidate filters of the commission page (division, school, name range; not yet in a lot
    /// or a slot), as query pairs for Correction's list of sheets.
    static func filtresFiches(_ valeur: (String) -> String?) -> [(String, String)] {
        ["division", "origine", "nomDe", "nomA", "groupe"].compactMap { key in
            valeur(key).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0.count > 40 ? nil : (key, $0) }
        } + ["nonDistribues", "sansCreneau"].filter { valeur($0) == "true" }.map { ($0, "true") }
    }

    /// The filters as Correction's query.
    static func requete(_ filtres: [(String, String)]) -> ECEAPI.Operations.ListerFiches.Input.Query {
        let f = Dictionary(filtres, uniquingKeysWith: { a, _ in a })
        return .init(division: f["division"], origine: f["origine"], nomDe: f["nomDe"], nomA: f["nomA"], groupe: f["groupe"],
                     nonDistribues: f["nonDistribues"].map { _ in true }, sansCreneau: f["sansCreneau"].map { _ in true })
    }

    /// A commission a page's path names (`/centre/:annee/:epreuve/:centre`), its codes checked before
    /// they go into an API path.
    struct CommissionRef {
        var annee: Int; var epreuve: String; var centre: String
        /// Its address in the API, under which the page links its PDFs.
        var api: String { "/api/correction/sessions/\(annee)/epreuves/\(epreuve)/centres/\(centre)" }
        var page: String { "/centre/\(annee)/\(epreuve)/\(centre)" }
    }

    func commissionPath(_ context: ECERequestContext) throws -> CommissionRef {
        guard let epreuve = context.parameters.get("epreuve"), let centre = context.parameters.get("centre"),
            [epreuve, centre].allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { throw Problem.notFound("commission") }
        return CommissionRef(annee: try context.session(), epreuve: epreuve, centre: centre)
    }

    @Sendable func commission(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let api = client(session)
            let vue = try await api.lireCommission(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json
            let ouverte = vue.commission.etat == .ouverte
            let organise = session.identity.role == .centre && ouverte
            let examinateurs = organise
                ? try await api.listerExaminateurs(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json.items : []
            let sansGroupe = examinateurs.filter { e in
                !vue.groupes.contains { $0.membres.contains { $0.lowercased() == e.intervenantId.lowercased() } }
            }.count
            // The exam's subjects, for all who follow the commission (titles only once visible): the slots
            // name them, the slot form offers them, and the centre and the coordinator read each one's
            // material list, and its documents once visible (Référentiel decides, `LectureSujet`).
            let preparation = [.centre, .coordinateur].contains(session.identity.role)
            let sujets = session.identity.role == .examinateur ? []
                : try await api.listerSujetsOfferts(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json.items
            let libellesSujets = Dictionary(sujets.map { ($0.id.lowercased(), $0.code + ($0.titre.map { " — \($0)" } ?? " (sous embargo)")) },
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
            let nomsGroupes = Dictionary(vue.groupes.map { ($0.id.lowercased(), $0.nom) }, uniquingKeysWith: { a, _ in a })
            let nomsCreneaux = Dictionary(vue.creneaux.map { ($0.id.lowercased(), "\(FrenchFormat.jour($0.jour)), \(Libelle.demiJournee($0.demiJournee))") },
                                          uniquingKeysWith: { a, _ in a })
            func fichesListees(_ query: ECEAPI.Operations.ListerFiches.Input.Query) async throws -> [ECEAPI.Components.Schemas.FicheResume] {
                try await api.listerFiches(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre), query: query).ok.body.json.items ?? []
            }
            let fiches = organise ? try await fichesListees(Self.requete(filtres)) : []
            // Every placed candidate, per slot, for the absence record (the filtered list may leave some out).
            let places = filtres.isEmpty ? fiches : organise ? try await fichesListees(.init()) : []
            let parCreneau = Dictionary(grouping: places.filter { $0.creneauId != nil }, by: { $0.creneauId!.lowercased() })
            func convoques(_ creneau: String) -> [ConvoqueVue] {
                (parCreneau[creneau.lowercased()] ?? []).sorted { ($0.nom ?? "", $0.prenoms ?? "") < ($1.nom ?? "", $1.prenoms ?? "") }.map { f in
                    ConvoqueVue(id: (f.id ?? "").lowercased(), nom: "\(f.nom ?? "") \(f.prenoms ?? "")", numero: f.numero ?? "",
                                absent: f.statut == .absent, etat: f.statut == .aNoter ? nil : Libelle.statutFiche(f.statut?.rawValue ?? ""),
                                modifiable: f.statut == .aNoter)
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
            let suivi = [.centre, .referent, .coordinateur, .gestionnaire].contains(role) && ouverte
            struct LotVue { var id: String; var nom: String; var candidats: Int; var notes: Int; var absents: Int; var brouillons: Int
                var verrouille: Bool; var verrouillable: Bool; var cibles: [GroupeChoix]; var reaffectable: Bool }
            let lots = vue.groupes.map { g in
                let cibles = organise && !g.verrouille && g.candidats > 0
                    ? vue.groupes.filter { $0.id != g.id && !$0.verrouille }.map { GroupeChoix(id: $0.id.lowercased(), nom: $0.nom) }
                    : []
                return LotVue(id: g.id.lowercased(), nom: g.nom, candidats: g.candidats, notes: g.notes, absents: g.absents,
                              brouillons: g.brouillons, verrouille: g.verrouille,
                              verrouillable: suivi && !g.verrouille && g.candidats > 0 && g.notes + g.absents == g.candidats,
                              cibles: cibles, reaffectable: !cibles.isEmpty)
            }
            struct MembreChoix { var intervenantId: String; var nom: String; var prenom: String; var login: String; var membre: Bool }
            struct GroupeModifiable { var id: String; var nom: String; var vide: Bool; var choix: [MembreChoix] }
            struct EntreeVue { var le: String; var acteur: String; var action: String; var lot: String; var motif: String }
            let journal = role == .examinateur ? []
                : try await api.lireAuditCommission(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json.items ?? []
            let object: [String: Any] = [
                "filtre": filtre, "nonDistribuesSeuls": filtre["nonDistribues"] != nil,
                "fiches": fiches.map { FicheVue(id: ($0.id ?? "").lowercased(), numero: $0.numero ?? "", nom: "\($0.nom ?? "") \($0.prenoms ?? "")",
                                                division: $0.division ?? "", origine: $0.uaiOrigine.map { Libelle.etablissement($0, noms) } ?? "",
                                                groupe: $0.groupeId.flatMap { nomsGroupes[$0.lowercased()] } ?? "—",
                                                creneau: $0.creneauId.flatMap { nomsCreneaux[$0.lowercased()] } ?? "—") },
                "choixGroupes": vue.groupes.map { GroupeChoix(id: $0.id.lowercased(), nom: $0.nom) },
                "choixCreneaux": vue.creneaux.map { GroupeChoix(id: $0.id.lowercased(), nom: nomsCreneaux[$0.id.lowercased()] ?? "") },
                "sansCreneauSeuls": filtre["sansCreneau"] != nil,
                "session": vue.commission.session, "epreuve": vue.commission.epreuve, "centre": Libelle.etablissement(vue.commission.centre, noms),
                "etat": Libelle.etatCommission(vue.commission.etat.rawValue),
                "zip": vue.commission.etat == .close && [.centre, .gestionnaire].contains(session.identity.role), "candidats": vue.candidats,
                "nonDistribues": vue.nonDistribues, "groupes": lots, "base": c.api, "page": c.page, "ouverte": organise,
                "suivi": suivi, "aJournal": !journal.isEmpty, "rouvrir": role == .gestionnaire && vue.commission.etat == .close,
                "journal": journal.map { EntreeVue(le: $0.le.map(FrenchFormat.moment) ?? "", acteur: $0.acteur ?? "",
                                                   action: Libelle.actionAudit($0.action ?? ""), lot: $0.lot ?? "", motif: $0.motif ?? "") },
                "examinateurs": examinateurs, "preparation": preparation && !sujets.isEmpty,
                // « Un groupe par examinateur »: offered while some convoked examiner is in no group.
                "sansGroupe": sansGroupe, "aSansGroupe": sansGroupe > 0,
                "sujets": sujets.map { SujetVue(id: $0.id.lowercased(), code: $0.code, dominante: $0.dominante, titre: $0.titre,
                                                visibleLe: FrenchFormat.moment($0.visibleFrom), visible: $0.visibleFrom <= maintenant) },
                // Changing a group: its name, its examiners (an ill one unticked, the replacement ticked), dissolving it when empty.
                "aModifiables": vue.groupes.contains { !$0.verrouille },
                "modifiables": vue.groupes.filter { !$0.verrouille }.map { g in
                    GroupeModifiable(id: g.id.lowercased(), nom: g.nom, vide: g.candidats == 0,
                                     choix: examinateurs.map { e in
                                         MembreChoix(intervenantId: e.intervenantId.lowercased(), nom: e.nom, prenom: e.prenom, login: e.login,
                                                     membre: g.membres.contains { $0.lowercased() == e.intervenantId.lowercased() }) })
                },
                "creneaux": vue.creneaux.map { CreneauVue(id: $0.id.lowercased(), jour: FrenchFormat.jour($0.jour),
                                                          demiJournee: Libelle.demiJournee($0.demiJournee),
                                                          heure: $0.heure.flatMap(FrenchFormat.heure) ?? "—",
                                                          sujets: $0.sujets.map { libellesSujets[$0.lowercased()] ?? "sujet non publié" },
                                                          candidats: $0.candidats, capacite: $0.capacite == 0 ? "aucun groupe formé" : "\($0.capacite)",
                                                          complet: $0.capacite > 0 && $0.candidats >= $0.capacite, choix: $0.choix,
                                                          convoques: convoques($0.id), aConvoques: !convoques($0.id).isEmpty) },
                // The attendance sheet for whoever follows the commission; the convocations for the centre and the académie.
                "emargement": role != .examinateur, "convocations": [.centre, .gestionnaire].contains(role),
                // Harmonisation before closing: the second looks' page (to ask and settle them, or to read them).
                "harmonisation": role != .examinateur,
            ]
            return page("commission", titre: "\(vue.commission.epreuve) — \(vue.commission.centre)", Self.avecMessage(object, request), session: session)
        }
    }

    /// A commission page's form: one operation on the commission, then back to its page.
    private func action(_ request: Request, _ context: ECERequestContext, success: String, refus: String = "Refusé",
                        _ appel: (Client, CommissionRef) async throws -> Void) async throws -> Response {
        let c = try commissionPath(context)
        return try await formulaire(request, context, retour: c.page, success: success, refus: refus) {
            try await appel($0, c)
            return nil
        }
    }

    /// The ticked sheets go to the chosen group's lot ("" takes them out of any lot).
    @Sendable func repartir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        let groupe = form["groupe"]?.last.flatMap { $0.isEmpty ? nil : $0 }
        return try await action(request, context, success: groupe == nil ? "Candidats retirés de leur lot." : "Candidats placés dans le lot du groupe.") {
            _ = try await $0.distribuer(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre),
                                        body: .json(.init(fiches: form["fiche"] ?? [], groupeId: groupe))).ok
        }
    }

    /// The ticked candidates, or every candidate in no slot that the filter retains (`tous`), into the
    /// chosen slot; no slot takes the ticked ones out of theirs. Correction checks the slot's room.
    @Sendable func placer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let api = client(session)
            let choisi = form["creneau"]?.last ?? ""
            guard choisi.isEmpty || UUID(uuidString: choisi) != nil else {
                throw Redirect(to: c.page, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
            }
            var fiches = form["fiche"] ?? []
            if form["tous"] != nil {
                guard !choisi.isEmpty else {
                    throw Redirect(to: c.page, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
                }
                let filtres = Self.filtresFiches { form[$0]?.last }.filter { $0.0 != "sansCreneau" } + [("sansCreneau", "true")]
                fiches = (try await api.listerFiches(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre), query: Self.requete(filtres))
                    .ok.body.json.items ?? []).compactMap(\.id)
            }
            guard !fiches.isEmpty else {
                throw Redirect(to: c.page, message: "Placement refusé : aucun candidat choisi.", cookies: session.setCookies)
            }
            let message: String
            do {
                if choisi.isEmpty {
                    _ = try await api.retirerCandidats(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre), body: .json(.init(fiches: fiches))).ok
                    message = "\(fiches.count) candidat(s) retiré(s) de leur créneau."
                } else {
                    _ = try await api.placerCandidats(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre, creneau: choisi),
                                                      body: .json(.init(fiches: fiches))).ok
                    message = "\(fiches.count) candidat(s) placé(s) dans le créneau."
                }
            } catch {
                message = "Placement refusé : \(try Self.raisonDuRefus(error))"
            }
            throw Redirect(to: c.page, message: message, cookies: session.setCookies)
        }
    }

    /// The automatic distribution with the criteria of the page's form, then its report: who went to
    /// which group, who could not be placed and why.
    @Sendable func distribuer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let rapport: ECEAPI.Components.Schemas.Repartition
            do {
                rapport = try await client(session).distribuerAutomatiquement(
                    path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre),
                    body: .json(.init(garderDivisions: form["garderDivisions"] == "true"))).ok.body.json
            } catch {
                throw Redirect(to: c.page, message: "Distribution refusée : \(try Self.raisonDuRefus(error))", cookies: session.setCookies)
            }
            struct PlacementVue { var numero: String; var nom: String; var groupe: String; var examinateurs: String }
            struct NonPlaceVue { var numero: String; var nom: String; var motif: String }
            let distribues = rapport.distribues ?? 0, placements = rapport.placements ?? [], nonPlaces = rapport.nonPlaces ?? []
            let bilan = distribues == 0 ? "Aucun candidat distribué." : "\(distribues) candidat(s) distribué(s)."
            let object: [String: Any] = [
                "page": c.page, "bilan": bilan, "garderDivisions": form["garderDivisions"] == "true",
                "placements": placements.map { PlacementVue(numero: $0.numero ?? "", nom: $0.nom ?? "", groupe: $0.groupe ?? "",
                                                            examinateurs: ($0.examinateurs ?? []).joined(separator: ", ")) },
                "aPlacements": !placements.isEmpty, "aNonPlaces": !nonPlaces.isEmpty,
                "nonPlaces": nonPlaces.map { NonPlaceVue(numero: $0.numero ?? "", nom: $0.nom ?? "",
                                                         motif: Libelle.refusDistribution($0.motif?.rawValue ?? "")) },
            ]
            return page("repartition", titre: "Rapport de la distribution automatique", object, session: session)
        }
    }

    @Sendable func cloturer(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await action(request, context, success: "Épreuve clôturée : les notes partent vers Cyclades.") {
            _ = try await $0.cloturer(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre)).ok
        }
    }

    @Sendable func creerGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        return try await action(request, context, success: "Groupe créé.") {
            _ = try await $0.creerGroupe(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre),
                                         body: .json(.init(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? []))).created
        }
    }

    @Sendable func creerGroupesParExaminateur(_ request: Request, context: ECERequestContext) async throws -> Response {
        let c = try commissionPath(context)
        return try await formulaire(request, context, retour: c.page, success: "Un groupe par examinateur :") {
            let crees = try await $0.creerGroupesParExaminateur(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre))
                .ok.body.json.items
            // The first names only: the message's cookie keeps 1,000 characters.
            let noms = crees.prefix(8).map(\.nom).joined(separator: ", ") + (crees.count > 8 ? ", …" : "")
            return crees.isEmpty ? "chaque examinateur convoqué a déjà son groupe." : "\(crees.count) groupe(s) créé(s) (\(noms))."
        }
    }

    /// A slot from the centre's form; with « Y placer les candidats sans créneau » ticked, Correction
    /// places the ones the form's filter retains in the same step, up to the slot's room.
    @Sendable func creerCreneau(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        // An empty field: none (Correction refuses anything but HH:MM for the time).
        func champ(_ nom: String) -> String? {
            form[nom]?.last.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let c = try commissionPath(context)
        return try await formulaire(request, context, retour: c.page, success: "Créneau créé.") {
            var candidats: ECEAPI.Components.Schemas.CandidatsDuCreneau?
            if champ("placer") == "oui" {
                let max = try champ("cMax").map {
                    guard let n = Int($0) else { throw Refus(problem: .validation([.init(field: "candidats.max", reason: "nombre entier / integer")])) }
                    return n
                }
                candidats = .init(division: champ("cDivision"), origine: champ("cOrigine"), nomDe: champ("cNomDe"), nomA: champ("cNomA"), max: max)
            }
            let creneau = ECEAPI.Components.Schemas.NouveauCreneau(
                jour: form["jour"]?.last ?? "", demiJournee: try Self.choix(form["demiJournee"]?.last, "demiJournee"), heure: champ("heure"),
                sujets: form["sujet"] ?? [], choix: form["choix"]?.last == "oui", candidats: candidats)
            let cree = try await $0.creerCreneau(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre), body: .json(creneau))
                .created.body.json
            return candidats == nil ? nil : "\(cree.candidats) candidat(s) placé(s) dans le créneau."
        }
    }

    /// A group's new name and examiners; Correction rechecks the rules (convoked, in no other group,
    /// never a candidate's teacher, four per examiner in a slot).
    @Sendable func modifierGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        let groupe = try context.uuid(of: "groupe")
        return try await action(request, context, success: "Groupe modifié.", refus: "Modification refusée") {
            _ = try await $0.modifierGroupe(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre, groupe: groupe.uuidString),
                                            body: .json(.init(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? []))).noContent
        }
    }

    @Sendable func dissoudreGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let groupe = try context.uuid(of: "groupe")
        return try await action(request, context, success: "Groupe dissous.", refus: "Dissolution refusée") {
            _ = try await $0.dissoudreGroupe(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre, groupe: groupe.uuidString)).noContent
        }
    }

    /// A lot's form on the commission page: one call on the lot's API (which checks the caller's
    /// perimeter on the lot's own commission), then back to the page.
    @Sendable func verrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        let lot = try context.uuid(of: "lot")
        return try await action(request, context, success: "Lot verrouillé pour son examinateur.", refus: "Verrouillage refusé") { api, _ in
            _ = try await api.verrouillerLot(path: .init(id: lot.uuidString)).ok
        }
    }

    @Sendable func deverrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let lot = try context.uuid(of: "lot")
        return try await action(request, context, success: "Lot déverrouillé.", refus: "Déverrouillage refusé") { api, _ in
            _ = try await api.deverrouillerLot(path: .init(id: lot.uuidString), body: .json(.init(motif: form["motif"] ?? ""))).noContent
        }
    }

    /// Every sheet of a lot to another group's lot: the manual distribution's API (the centre's),
    /// on the sheets the commission lists in that lot.
    @Sendable func reaffecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let api = client(session)
            let lot = try context.uuid(of: "lot")
            guard let vers = form["vers"].flatMap(UUID.init(uuidString:)) else {
                throw Redirect(to: c.page, message: "Réaffectation refusée : choisissez le groupe qui reprend le lot.", cookies: session.setCookies)
            }
            let fiches = (try await api.listerFiches(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre),
                                                     query: .init(groupe: lot.uuidString)).ok.body.json.items ?? []).compactMap(\.id)
            guard !fiches.isEmpty else { throw Redirect(to: c.page, message: "Réaffectation refusée : lot vide.", cookies: session.setCookies) }
            let message: String
            do {
                _ = try await api.distribuer(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre),
                                             body: .json(.init(fiches: fiches, groupeId: vers.uuidString))).ok
                message = "Lot réaffecté : \(fiches.count) candidats déplacés."
            } catch {
                message = "Réaffectation refusée : \(try Self.raisonDuRefus(error))"
            }
            throw Redirect(to: c.page, message: message, cookies: session.setCookies)
        }
    }

    /// The absent candidates ticked on a slot's record, sheet in hand: Correction records them as the
    /// editor does and names those it leaves as they stand (grading begun, lot locked).
    @Sendable func releverAbsences(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let creneau = try context.uuid(of: "créneau")
            let fiches = form["absent"] ?? []
            guard let absence = ECEAPI.Components.Schemas.Absences.AbsencePayload(rawValue: form["absence"]?.last ?? "injustifiee"), !fiches.isEmpty,
                fiches.allSatisfy({ UUID(uuidString: $0) != nil })
            else {
                throw Redirect(to: c.page, message: "Relevé refusé : cochez au moins un candidat absent, l'absence justifiée ou non.",
                               cookies: session.setCookies)
            }
            let bilan: ECEAPI.Components.Schemas.ReleveAbsences
            do {
                bilan = try await client(session).recenserAbsences(
                    path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre, creneau: creneau.uuidString),
                    body: .json(.init(fiches: fiches, absence: absence))).ok.body.json
            } catch {
                throw Redirect(to: c.page, message: "Relevé refusé : \(try Self.raisonDuRefus(error))", cookies: session.setCookies)
            }
            let message = ["\((bilan.absents ?? []).count) absence(s) \(absence == .justifiee ? "justifiée(s)" : "non justifiée(s)") enregistrée(s)."]
                + ((bilan.dejaRecensees ?? 0) > 0 ? ["\(bilan.dejaRecensees ?? 0) déjà enregistrée(s)."] : [])
                + (bilan.refus ?? []).map {
                    "\($0.nom ?? "") (\($0.numero ?? "")) laissé(e) tel(le) quel(le) : \(($0.motif ?? "").split(separator: " / ").first ?? "")."
                }
            throw Redirect(to: c.page, message: message.joined(separator: " "), cookies: session.setCookies)
        }
    }

    @Sendable func rouvrir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await action(request, context, success: "Épreuve rouverte : le centre peut déverrouiller, corriger et clôturer à nouveau.",
                                refus: "Réouverture refusée") {
            _ = try await $0.rouvrir(path: .init(annee: $1.annee, epreuve: $1.epreuve, centre: $1.centre),
                                     body: .json(.init(motif: form["motif"] ?? ""))).noContent
        }
    }
}
