import Foundation
import ECEAPI
import ECEAPIClient
import Hummingbird
import OpenAPIRuntime
import Shared

/// Re-marking after closing (issue 22 item 3), from the pages: the gestionnaire asks for it from
/// the candidates' grades of a closed exam × centre (`/remontee/notes`), the exam's coordinator
/// finds the requests on their home page (`/recorrections`) and re-marks the sheet on its grid.
/// Correction keeps the perimeter: each form is one API call with the user's token.
extension WebController {
    func addRecorrectionRoutes(to router: Router<ECERequestContext>) {
        router.post("/remontee/recorrections", use: demanderRecorrection)
        router.get("/recorrections", use: recorrections)
        router.get("/recorrections/:id", use: recorrection)
        router.post("/recorrections/:id", use: recorriger)
    }

    typealias Demande = ECEAPI.Components.Schemas.Recorrection

    func demandes(_ session: Session) async throws -> [Demande] {
        try await client(session).listerRecorrections(path: .init(annee: Self.sessionCourante)).ok.body.json.items ?? []
    }

    /// A request as a table row.
    static func ligne(_ d: Demande) -> [String: Any] {
        let etat = d.etat == .ouverte ? "à recorriger"
            : "recorrigée par \(d.faitePar ?? "—") : \(Libelle.resultat("note", demiPoints: d.noteAvant)) → \(Libelle.resultat("note", demiPoints: d.noteApres))"
        return ["id": (d.id ?? "").lowercased(), "epreuve": d.epreuve ?? "", "centre": d.centre ?? "", "numero": d.numero ?? "",
                "nom": "\(d.nom ?? "") \(d.prenoms ?? "")", "motif": d.motif ?? "", "le": d.demandeeLe.map(FrenchFormat.moment) ?? "",
                "etat": etat, "ouverte": d.etat == .ouverte]
    }

    /// The gestionnaire's request, from the grades page of the exam × centre it goes back to.
    @Sendable func demanderRecorrection(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let epreuve = form["epreuve"].flatMap(EpreuvePratique.init(rawValue:)), let centre = form["centre"].flatMap(Self.codeUAI) else {
            return try await handle(request, context) { throw Redirect(to: "/remontee", message: "Épreuve ou centre inconnu.", cookies: []) }
        }
        let retour = "/remontee/notes?epreuve=\(epreuve.rawValue)&centre=\(centre)"
        guard let candidat = form["candidat"].flatMap(UUID.init(uuidString:)) else {
            return try await handle(request, context) { throw Redirect(to: retour, message: "Choisissez un candidat.", cookies: []) }
        }
        return try await formulaire(request, context, retour: retour,
                                    success: "Recorrection demandée : le coordinateur de l'épreuve la trouve sur sa page d'accueil.",
                                    refus: "Demande refusée") {
            _ = try await $0.demanderRecorrection(path: .init(annee: Self.sessionCourante, epreuve: epreuve.rawValue, centre: centre),
                                                  body: .json(.init(candidatId: candidat.uuidString, motif: form["motif"] ?? ""))).created
            return nil
        }
    }

    /// The requests of the académie (gestionnaire) or of the exams the coordinator coordinates.
    @Sendable func recorrections(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let lignes = try await demandes(session).map(Self.ligne)
            let object: [String: Any] = ["session": Self.sessionCourante, "demandes": lignes, "aDemandes": !lignes.isEmpty,
                                         "coordination": session.identity.role == .coordinateur]
            return page("recorrections", titre: "Recorrections après clôture", Self.avecMessage(object, request), session: session)
        }
    }

    /// The sheet of an open request, as the editor reads it (its barème, its grid, its version).
    func ficheARecorriger(_ session: Session, _ demande: Demande) async throws -> ECEAPI.Components.Schemas.Fiche {
        try await client(session).lireFiche(path: .init(id: demande.ficheId ?? "-")).ok.body.json
    }

    /// An open request, for the coordinator who re-marks it (the list is theirs: Correction's perimeter).
    private func demandeOuverte(_ session: Session, _ context: ECERequestContext) async throws -> Demande {
        guard session.identity.role == .coordinateur else { throw Problem.forbidden("réservé au coordinateur de l'épreuve / coordinator only") }
        let id = try context.uuid("id", of: "demande")
        guard let demande = try await demandes(session).first(where: { $0.id.flatMap(UUID.init(uuidString:)) == id }) else { throw Problem.notFound("demande") }
        guard demande.etat == .ouverte else {
            throw Redirect(to: "/recorrections", message: "Cette fiche est déjà recorrigée.", cookies: session.setCookies)
        }
        return demande
    }

    /// The re-marking form: one field per criterion of the barème, set to the grid as it stands.
    @Sendable func recorrection(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let demande = try await demandeOuverte(session, context)
            let fiche = try await ficheARecorriger(session, demande)
            guard let bareme = fiche.bareme else { throw Problem.conflict(.etat, "fiche sans barème / sheet without a barème") }
            // Each criterion's entry as the editor saved it: {"type":"niveau","niveau":"A"} or {"type":"points","demiPoints":7}.
            let saisies = Dictionary((fiche.grille.evaluations ?? []).map { ($0.code, $0.evaluation.value) }, uniquingKeysWith: { a, _ in a })
            let criteres: [[String: Any]] = bareme.criteres.map { c in
                var vue: [String: Any] = ["code": c.code, "libelle": c.libelle, "poids": c.poids]
                switch c.echelle._type {
                case .points:
                    vue["points"] = true
                    vue["max"] = c.poids * 2
                    vue["valeur"] = (saisies[c.code]?["demiPoints"] as? Int).map(String.init) ?? ""
                case .niveaux:
                    let actuel = (saisies[c.code]?["niveau"] as? String).flatMap(Niveau.init(rawValue:))
                    vue["niveaux"] = true
                    vue["options"] = Niveau.allCases.map { ["valeur": $0.rawValue, "choisi": $0 == actuel] }
                }
                return vue
            }
            let object: [String: Any] = [
                "id": (demande.id ?? "").lowercased(), "numero": demande.numero ?? "", "nom": "\(demande.nom ?? "") \(demande.prenoms ?? "")",
                "epreuve": demande.epreuve ?? "", "centre": demande.centre ?? "", "motif": demande.motif ?? "", "version": fiche.version,
                "note": Libelle.resultat("note", demiPoints: fiche.noteFinale), "criteres": criteres,
            ]
            return page("recorrection", titre: "Recorriger la fiche \(demande.numero ?? "")", Self.avecMessage(object, request), session: session)
        }
    }

    /// "15", "15,5" or "15.5" out of 20 as half points; nil when not such a mark.
    static func demiPoints(surVingt text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".").split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let entier = Int(parts[0]), (0...20).contains(entier) else { return nil }
        guard parts.count == 2 else { return entier * 2 }
        guard parts[1] == "5" || parts[1] == "0", entier < 20 || parts[1] == "0" else { return nil }
        return entier * 2 + (parts[1] == "5" ? 1 : 0)
    }

    /// The re-marking: the grid from the form on the version read (the sheet's appels, aids and
    /// comments kept as they are), an override out of 20 with its reason if given.
    @Sendable func recorriger(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 20_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let demande = try await demandeOuverte(session, context)
            let retour = "/recorrections/\((demande.id ?? "").lowercased())"
            func refus(_ message: String) -> Redirect { Redirect(to: retour, message: "Recorrection refusée : \(message)", cookies: session.setCookies) }
            let fiche = try await ficheARecorriger(session, demande)
            guard let bareme = fiche.bareme else { throw refus("fiche sans barème.") }
            var evaluations: [ECEAPI.Components.Schemas.Evaluation] = []
            for c in bareme.criteres {
                let saisie = form["c-\(c.code)"] ?? ""
                switch c.echelle._type {
                case .niveaux:
                    guard let niveau = Niveau(rawValue: saisie) else { throw refus("niveau manquant pour \(c.code).") }
                    evaluations.append(.init(code: c.code, evaluation: try .init(unvalidatedValue: ["type": "niveau", "niveau": niveau.rawValue])))
                case .points:
                    guard let points = Int(saisie.trimmingCharacters(in: .whitespaces)), (0...c.poids * 2).contains(points) else {
                        throw refus("\(c.code) : de 0 à \(c.poids * 2) demi-points.")
                    }
                    evaluations.append(.init(code: c.code, evaluation: try .init(unvalidatedValue: ["type": "points", "demiPoints": points])))
                }
            }
            // The sheet's appels, aids and comments kept as they are.
            var grille = fiche.grille
            grille.evaluations = evaluations
            var notation = ECEAPI.Components.Schemas.NotationRecorrection(version: Int(form["version"] ?? "") ?? fiche.version, grille: grille)
            let note = (form["noteFinale"] ?? "").trimmingCharacters(in: .whitespaces)
            if !note.isEmpty {
                guard let demi = Self.demiPoints(surVingt: note) else { throw refus("la note finale s'écrit sur 20, par demi-point (15 ou 15,5).") }
                notation.noteFinale = demi
                notation.motifAjustement = form["motifAjustement"] ?? ""
            }
            let nouvelle: Int?
            do {
                nouvelle = try await client(session).recorriger(path: .init(id: demande.id ?? "-"), body: .json(notation)).ok.body.json.noteFinale
            } catch {
                throw refus(try Self.raisonDuRefus(error))
            }
            throw Redirect(to: "/recorrections", message: "Fiche \(demande.numero ?? "") recorrigée : \(nouvelle.map { Libelle.resultat("note", demiPoints: $0) } ?? ""), transmise à Cyclades.",
                           cookies: session.setCookies)
        }
    }
}

extension WebController {
    /// For the gestionnaire's grades page of one exam × centre: the graded candidates a re-marking
    /// may be asked for, and the requests already made there.
    /// Santorin not answering leaves the grades page as it was, without its requests.
    func recorrectionsDuCentre(_ session: Session, epreuve: String, centre: String, notes: [ECEAPI.Components.Schemas.NoteCandidat]) async -> [String: Any] {
        let lignes = ((try? await demandes(session)) ?? []).filter { $0.epreuve == epreuve && $0.centre == centre }.map(Self.ligne)
        return ["recorrection": true, "rEpreuve": epreuve, "rCentre": centre, "demandes": lignes, "aDemandes": !lignes.isEmpty,
                "notees": notes.map { ["candidatId": ($0.candidatId ?? "").lowercased(), "numero": $0.numero ?? "",
                                       "nom": "\($0.nom ?? "") \($0.prenoms ?? "")",
                                       "resultat": Libelle.resultat($0.resultat?.rawValue ?? "", demiPoints: $0.demiPoints)] }]
    }
}
