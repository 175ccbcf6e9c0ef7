import Foundation
import HTTPTypes
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The commissions' messaging: threads per exam and commission, a new thread, a reply.
extension WebController {
    struct FilVue { var id: String; var titre: String; var epreuve: String; var commission: String; var messages: Int; var nonLus: Int }

    private static func vue(_ f: ECEAPI.Components.Schemas.Fil, _ noms: [String: String]) -> FilVue {
        FilVue(id: (f.id ?? "").lowercased(), titre: f.titre ?? "", epreuve: f.epreuve ?? "",
               commission: f.centre.map { "centre \(Libelle.etablissement($0, noms))" } ?? "académie \(f.academie ?? "")",
               messages: f.messages ?? 0, nonLus: f.nonLus ?? 0)
    }

    @Sendable func messagerie(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            // `?epreuve=` keeps one exam's threads (a coordinator's mission links there).
            let filtre = try request.uri.queryParameters["epreuve"].map { code in
                guard let epreuve = EpreuvePratique(rawValue: String(code)) else {
                    throw Problem.badRequest("épreuve inconnue : choisissez un code d'épreuve pratique (par exemple T011B) / unknown exam")
                }
                return epreuve.rawValue
            }
            let fils = (try await client(session).listerFils(path: .init(annee: Self.sessionCourante)).ok.body.json.items ?? [])
                .filter { filtre == nil || $0.epreuve == filtre }
            let noms = await nomsEtablissements(session)
            var object: [String: Any] = ["fils": fils.map { Self.vue($0, noms) }]
            if let filtre { object["epreuve"] = filtre }
            return page("messages", titre: filtre.map { "Messagerie — \($0)" } ?? "Messagerie", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func ouvrirFil(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 100_000))
        let ouverture = ECEAPI.Components.Schemas.NouveauFil(epreuve: (form["epreuve"] ?? "").uppercased(),
                                                      centre: form["centre"].flatMap { $0.isEmpty ? nil : $0.uppercased() },
                                                      titre: form["titre"] ?? "", texte: form["texte"] ?? "")
        return try await formulaire(request, context, retour: "/messages", success: "Fil ouvert.") {
            _ = try await $0.ouvrirFil(path: .init(annee: Self.sessionCourante), body: .json(ouverture)).created
            return nil
        }
    }

    @Sendable func fil(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            let messages = try await client(session).lireMessages(path: .init(id: id.uuidString)).ok.body.json
            struct MessageVue { var auteur: String; var role: String; var texte: String; var le: String }
            let fil = messages.fil ?? .init()
            let vue = Self.vue(fil, await nomsEtablissements(session))
            return page("fil", titre: vue.titre, [
                "id": vue.id, "titre": vue.titre, "epreuve": vue.epreuve, "commission": vue.commission,
                "items": (messages.items ?? []).map {
                    MessageVue(auteur: $0.auteur ?? "", role: Libelle.role($0.role ?? ""), texte: $0.texte ?? "", le: $0.le.map(FrenchFormat.moment) ?? "")
                },
            ], session: session)
        }
    }

    @Sendable func repondre(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            let form = Self.form(try await request.body.collect(upTo: 100_000))
            do {
                _ = try await client(session).posterMessage(path: .init(id: id.uuidString), body: .json(.init(texte: form["texte"] ?? "")))
            } catch where Problem.of(error)?.refus == true {
                // As before: a refused reply (an empty text) goes back to the thread, unchanged.
            }
            throw Redirect(to: "/messages/\(id.uuidString.lowercased())", cookies: session.setCookies)
        }
    }
}
