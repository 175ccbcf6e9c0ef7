import Foundation
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The DSII's pages (Référentiel Sujet): the subject bank of the session, a subject's documents,
/// its barème editor with live validation (`/assets/bareme.js`), validation and publication; and
/// for those who prepare the laboratory, a subject's material list and, once visible, its documents.
extension WebController {
    func addSujetsRoutes(to router: Router<ECERequestContext>) {
        router.get("/sujets", use: sujets)
        router.post("/sujets", use: creerSujet)
        router.get("/sujets/:id", use: sujet)
        router.get("/sujets/:id/materiel", use: materiel)
        router.post("/sujets/:id/:etape", use: etapeSujet)
    }

    @Sendable func sujets(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            let q = request.uri.queryParameters
            let epreuve = q["epreuve"].map(String.init).flatMap { EpreuvePratique(rawValue: $0)?.rawValue }
            let statut = q["statut"].flatMap { ECEAPI.Components.Schemas.StatutSujet(rawValue: String($0)) }
            let api = client(session)
            let liste = try await api.listerSujets(query: .init(epreuve: epreuve, session: annee, statut: statut, perPage: 200)).ok.body.json
            let epreuves = try await api.listerEpreuves().ok.body.json.items ?? []
            struct Ligne { var id: String; var code: String; var epreuve: String; var dominante: String; var titre: String; var statut: String }
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            let object: [String: Any] = [
                "session": annee, "total": liste.total ?? 0,
                "lignes": (liste.items ?? []).map { Ligne(id: ($0.id ?? "").lowercased(), code: $0.code ?? "", epreuve: $0.epreuve ?? "",
                                                          dominante: $0.dominante ?? "", titre: $0.titre ?? "",
                                                          statut: Libelle.statutSujet($0.statut?.rawValue ?? "")) },
                "epreuves": epreuves.map { Choix(code: $0.code ?? "", libelle: "\($0.code ?? "") — \($0.libelle ?? "")", choisie: $0.code == epreuve) },
                "statuts": ECEAPI.Components.Schemas.StatutSujet.allCases.map {
                    Choix(code: $0.rawValue, libelle: Libelle.statutSujet($0.rawValue), choisie: $0 == statut)
                },
                "dominantes": Array(Set(epreuves.flatMap { $0.dominantes ?? [] })).sorted(),
            ]
            return page("sujets", titre: "Banque de sujets", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func creerSujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let form = Self.form(try await request.body.collect(upTo: 100_000))
            let materiel = (form["materiel"] ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let dominante = form["dominante"].flatMap { $0.isEmpty ? nil : $0 }
            let cree: ECEAPI.Components.Schemas.Sujet
            do {
                cree = try await client(session).creerSujet(body: .json(.init(
                    epreuve: (try Self.choix(form["epreuve"], "epreuve") as EpreuvePratique).rawValue, session: Self.sessionCourante, code: form["code"] ?? "",
                    titre: form["titre"] ?? "", dominante: dominante, materiel: materiel))).created.body.json
            } catch {
                throw Redirect(to: "/sujets", message: "Refusé : \(try Self.raisonDuRefus(error))", cookies: session.setCookies)
            }
            throw Redirect(to: "/sujets/\((cree.id ?? "").lowercased())", message: "Sujet créé : déposez ses documents et son barème.",
                           cookies: session.setCookies)
        }
    }

    @Sendable func sujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "sujet")
            let sujet = try await client(session).lireSujet(path: .init(id: id.uuidString)).ok.body.json
            let derniere = sujet.baremes?.max { ($0.version ?? 0) < ($1.version ?? 0) }
            // The editor starts from the latest version, or from one criterion of each exam's kind.
            let depart = derniere?.bareme.map { Self.json($0) } ?? Self.json(Bareme(criteres: [Critere(
                code: "APP", libelle: "S'approprier", poids: 20,
                echelle: sujet.epreuve == EpreuvePratique.T010B.rawValue ? .points : .niveaux(ValeursNiveaux()))]))
            struct DocumentVue { var nature: String; var libelle: String; var nom: String; var taille: String; var lien: String? }
            let documents = [("sujet", "Sujet (candidats)"), ("examinateur", "Document examinateur")].map { nature, libelle in
                let document = (sujet.documents ?? []).first { $0.nature?.rawValue == nature }
                return DocumentVue(nature: nature, libelle: libelle, nom: document.map { $0.nom ?? "" } ?? "aucun",
                                   taille: document.map { "\((($0.taille ?? 0) + 1023) / 1024) ko" } ?? "",
                                   lien: document.map { _ in "/api/referentiel/sujets/\(id.uuidString.lowercased())/documents/\(nature)" })
            }
            let statut = sujet.statut?.rawValue ?? ""
            var object: [String: Any] = [
                "id": id.uuidString.lowercased(), "code": sujet.code ?? "", "titre": sujet.titre ?? "", "epreuve": sujet.epreuve ?? "",
                "session": sujet.session ?? 0, "dominante": sujet.dominante ?? "—",
                "statut": Libelle.statutSujet(statut), "brouillon": sujet.statut == .brouillon,
                "valide": sujet.statut == .valide, "publie": sujet.statut == .publie,
                "visibleLe": sujet.visibleFrom.map(FrenchFormat.moment) ?? "",
                "documents": documents,
                "version": derniere.map { "version \($0.version ?? 0)\($0.valide == true ? ", validée" : ", brouillon")" } ?? "aucune version enregistrée",
                // JSON inside <script type="application/json">: "<" escaped so no text can close the element.
                "bareme": depart.replacingOccurrences(of: "<", with: "\\u003c"),
            ]
            if let materiel = sujet.materiel, !materiel.isEmpty { object["materiel"] = materiel.joined(separator: " ; ") }
            return page("sujet", titre: "Sujet \(sujet.code ?? "")", Self.avecMessage(object, request), session: session)
        }
    }

    /// A subject's material list, and its documents once visible, as Référentiel lets the caller
    /// read them (`LectureSujet`: the centre, the examiners, the coordinators, the DSII).
    @Sendable func materiel(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "sujet")
            let sujet = try await client(session).lireMateriel(path: .init(id: id.uuidString)).ok.body.json
            struct DocumentVue { var lien: String; var libelle: String; var taille: String }
            let libelles = ["sujet": "Sujet (candidats)", "examinateur": "Document examinateur"]
            var object: [String: Any] = [
                "code": sujet.code, "epreuve": "\(sujet.epreuve) — \(EpreuvePratique(rawValue: sujet.epreuve)?.libelle ?? "")",
                "session": sujet.session,
                "visibleLe": sujet.visibleFrom.map(FrenchFormat.moment) ?? "—", "visible": sujet.visible,
                "materiel": sujet.materiel, "aMateriel": !sujet.materiel.isEmpty,
                "documents": sujet.documents.map { d in
                    let nature = d.nature?.rawValue ?? ""
                    return DocumentVue(lien: "/api/referentiel/sujets/\(id.uuidString.lowercased())/documents/\(nature)",
                                       libelle: libelles[nature] ?? nature, taille: "\(((d.taille ?? 0) + 1023) / 1024) ko")
                },
            ]
            // Absent keys, not empty strings: the page leaves the line out.
            if let dominante = sujet.dominante { object["dominante"] = dominante }
            if let titre = sujet.titre { object["titre"] = titre }
            return page("materiel", titre: "Liste du matériel — \(sujet.code)", object, session: session)
        }
    }

    /// Validate, reopen, publish or withdraw: one operation each, then back to the subject.
    @Sendable func etapeSujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        let id = try context.uuid(of: "sujet")
        let form = Self.form(try await request.body.collect(upTo: 10_000))
                let retour = "/sujets/\(id.uuidString.lowercased())"
        switch context.parameters.get("etape") {
        case "validation":
            return try await formulaire(request, context, retour: retour, success: "Sujet validé : son barème est figé.") {
                _ = try await $0.validerSujet(path: .init(id: id.uuidString)).ok
                return nil
            }
        case "reouverture":
            return try await formulaire(request, context, retour: retour,
                                        success: "Sujet rouvert : une modification du barème en fera une nouvelle version.") {
                _ = try await $0.rouvrirSujet(path: .init(id: id.uuidString)).ok
                return nil
            }
        case "publication":
            return try await formulaire(request, context, retour: retour, success: "Sujet publié.") {
                // The form's local date and time are Paris time; without one, refused as Référentiel refuses it.
                guard let visible = FrenchFormat.parisDateHeure(form["visibleLe"] ?? "") else {
                    throw Refus(problem: .validation([.init(field: "visibleFrom", reason: "date ISO-8601 requise / ISO-8601 date required")]))
                }
                _ = try await $0.publierSujet(path: .init(id: id.uuidString), body: .json(.init(visibleFrom: visible))).ok
                return nil
            }
        case "retrait":
            return try await formulaire(request, context, retour: retour, success: "Sujet retiré.") {
                _ = try await $0.retirerSujet(path: .init(id: id.uuidString)).ok
                return nil
            }
        default:
            throw Problem.notFound("étape")
        }
    }
}
