import Foundation
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

    struct SujetResume: Decodable {
        var id: UUID; var epreuve: String; var session: Int; var code: String; var titre: String; var dominante: String?
        var statut: String; var visibleFrom: Date?
    }
    struct EpreuveRef: Decodable { var code: String; var libelle: String; var dominantes: [String] }

    @Sendable func sujets(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            let q = request.uri.queryParameters
            let epreuve = q["epreuve"].map(String.init).flatMap { EpreuvePratique(rawValue: $0)?.rawValue }
            let statut = q["statut"].map(String.init).flatMap { ["brouillon", "valide", "publie", "retire"].contains($0) ? $0 : nil }
            var query = "/api/referentiel/sujets?session=\(annee)&perPage=200"
            if let epreuve { query += "&epreuve=\(epreuve)" }
            if let statut { query += "&statut=\(statut)" }
            struct Page: Decodable { var items: [SujetResume]; var total: Int }
            struct Items: Decodable { var items: [EpreuveRef] }
            let liste = try decode(Page.self, try await api(.get, "referentiel", query, session: session))
            let epreuves = try decode(Items.self, try await api(.get, "referentiel", "/api/referentiel/epreuves", session: session)).items
            struct Ligne { var id: String; var code: String; var epreuve: String; var dominante: String; var titre: String; var statut: String }
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            let object: [String: Any] = [
                "session": annee, "total": liste.total,
                "lignes": liste.items.map { Ligne(id: $0.id.uuidString.lowercased(), code: $0.code, epreuve: $0.epreuve,
                                                  dominante: $0.dominante ?? "", titre: $0.titre, statut: Libelle.statutSujet($0.statut)) },
                "epreuves": epreuves.map { Choix(code: $0.code, libelle: "\($0.code) — \($0.libelle)", choisie: $0.code == epreuve) },
                "statuts": ["brouillon", "valide", "publie", "retire"].map { Choix(code: $0, libelle: Libelle.statutSujet($0), choisie: $0 == statut) },
                "dominantes": Array(Set(epreuves.flatMap(\.dominantes))).sorted(),
            ]
            return page("sujets", titre: "Banque de sujets", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func creerSujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let form = Self.form(try await request.body.collect(upTo: 100_000))
            struct Nouveau: Encodable { var epreuve: String; var session: Int; var code: String; var titre: String; var dominante: String?
                var materiel: [String] }
            let materiel = (form["materiel"] ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let dominante = form["dominante"].flatMap { $0.isEmpty ? nil : $0 }
            let reply = try await api(.post, "referentiel", "/api/referentiel/sujets", session: session, json: Self.json(Nouveau(
                epreuve: form["epreuve"] ?? "", session: Self.sessionCourante, code: form["code"] ?? "", titre: form["titre"] ?? "",
                dominante: dominante, materiel: materiel)))
            guard reply.status == .created, let cree = try? JSONDecoder.iso.decode(SujetResume.self, from: reply.body) else {
                throw Redirect(to: "/sujets", message: "Refusé : \(Self.detail(reply))", cookies: session.setCookies)
            }
            throw Redirect(to: "/sujets/\(cree.id.uuidString.lowercased())", message: "Sujet créé : déposez ses documents et son barème.",
                           cookies: session.setCookies)
        }
    }

    struct SujetDetail: Decodable {
        var id: UUID; var epreuve: String; var session: Int; var code: String; var titre: String; var dominante: String?
        var materiel: [String]; var statut: String; var visibleFrom: Date?
        var documents: [Document]; var baremes: [Version]?
        struct Document: Decodable { var nature: String; var nom: String; var taille: Int }
        struct Version: Decodable { var version: Int; var valide: Bool; var bareme: Bareme }
    }

    @Sendable func sujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "sujet")
            let sujet = try decode(SujetDetail.self, try await api(.get, "referentiel", "/api/referentiel/sujets/\(id)", session: session))
            let derniere = sujet.baremes?.max { $0.version < $1.version }
            // The editor starts from the latest version, or from one criterion of each exam's kind.
            let depart = derniere?.bareme ?? Bareme(criteres: [Critere(
                code: "APP", libelle: "S'approprier", poids: 20,
                echelle: sujet.epreuve == EpreuvePratique.T010B.rawValue ? .points : .niveaux(ValeursNiveaux()))])
            struct DocumentVue { var nature: String; var libelle: String; var nom: String; var taille: String; var lien: String? }
            let documents = [("sujet", "Sujet (candidats)"), ("examinateur", "Document examinateur")].map { nature, libelle in
                let document = sujet.documents.first { $0.nature == nature }
                return DocumentVue(nature: nature, libelle: libelle, nom: document?.nom ?? "aucun",
                                   taille: document.map { "\(($0.taille + 1023) / 1024) ko" } ?? "",
                                   lien: document.map { _ in "/api/referentiel/sujets/\(id.uuidString.lowercased())/documents/\(nature)" })
            }
            let brouillon = sujet.statut == "brouillon"
            var object: [String: Any] = [
                "id": id.uuidString.lowercased(), "code": sujet.code, "titre": sujet.titre, "epreuve": sujet.epreuve,
                "session": sujet.session, "dominante": sujet.dominante ?? "—",
                "statut": Libelle.statutSujet(sujet.statut), "brouillon": brouillon,
                "valide": sujet.statut == "valide", "publie": sujet.statut == "publie",
                "visibleLe": sujet.visibleFrom.map(FrenchFormat.moment) ?? "",
                "documents": documents,
                "version": derniere.map { "version \($0.version)\($0.valide ? ", validée" : ", brouillon")" } ?? "aucune version enregistrée",
                // JSON inside <script type="application/json">: "<" escaped so no text can close the element.
                "bareme": Self.json(depart).replacingOccurrences(of: "<", with: "\\u003c"),
            ]
            if !sujet.materiel.isEmpty { object["materiel"] = sujet.materiel.joined(separator: " ; ") }
            return page("sujet", titre: "Sujet \(sujet.code)", Self.avecMessage(object, request), session: session)
        }
    }

    /// A subject's material list, and its documents once visible, as Référentiel lets the caller
    /// read them (`LectureSujet`: the centre, the examiners, the coordinators, the DSII).
    @Sendable func materiel(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "sujet")
            struct Materiel: Decodable {
                var epreuve: String; var session: Int; var code: String; var dominante: String?; var titre: String?; var materiel: [String]
                var visibleFrom: Date?; var visible: Bool; var documents: [SujetDetail.Document]
            }
            let sujet = try decode(Materiel.self, try await api(.get, "referentiel", "/api/referentiel/sujets/\(id)/materiel", session: session))
            struct DocumentVue { var lien: String; var libelle: String; var taille: String }
            let libelles = ["sujet": "Sujet (candidats)", "examinateur": "Document examinateur"]
            var object: [String: Any] = [
                "code": sujet.code, "epreuve": "\(sujet.epreuve) — \(EpreuvePratique(rawValue: sujet.epreuve)?.libelle ?? "")",
                "session": sujet.session,
                "visibleLe": sujet.visibleFrom.map(FrenchFormat.moment) ?? "—", "visible": sujet.visible,
                "materiel": sujet.materiel, "aMateriel": !sujet.materiel.isEmpty,
                "documents": sujet.documents.map { DocumentVue(lien: "/api/referentiel/sujets/\(id.uuidString.lowercased())/documents/\($0.nature)",
                                                               libelle: libelles[$0.nature] ?? $0.nature,
                                                               taille: "\(($0.taille + 1023) / 1024) ko") },
            ]
            // Absent keys, not empty strings: the page leaves the line out.
            if let dominante = sujet.dominante { object["dominante"] = dominante }
            if let titre = sujet.titre { object["titre"] = titre }
            return page("materiel", titre: "Liste du matériel — \(sujet.code)", object, session: session)
        }
    }

    /// Validate, reopen, publish or withdraw: one API call each, then back to the subject.
    @Sendable func etapeSujet(_ request: Request, context: ECERequestContext) async throws -> Response {
        let id = try context.uuid(of: "sujet")
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let path = "/api/referentiel/sujets/\(id)/"
        let retour = "/sujets/\(id.uuidString.lowercased())"
        switch context.parameters.get("etape") {
        case "validation":
            return try await formulaire(request, context, service: "referentiel", path + "validate", json: nil, retour: retour,
                                        success: "Sujet validé : son barème est figé.")
        case "reouverture":
            return try await formulaire(request, context, service: "referentiel", path + "reopen", json: nil, retour: retour,
                                        success: "Sujet rouvert : une modification du barème en fera une nouvelle version.")
        case "publication":
            // The form's local date and time are Paris time.
            let visible = FrenchFormat.parisDateHeure(form["visibleLe"] ?? "")
            let json = visible.map { Self.json(["visibleFrom": $0]) } ?? #"{"visibleFrom":null}"#
            return try await formulaire(request, context, service: "referentiel", path + "publish", json: json,
                                        retour: retour, success: "Sujet publié.")
        case "retrait":
            return try await formulaire(request, context, service: "referentiel", path + "withdraw", json: nil, retour: retour,
                                        success: "Sujet retiré.")
        default:
            throw Problem.notFound("étape")
        }
    }
}
