import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The commissions' messaging: threads per exam and commission, a new thread, a reply.
extension WebController {
    struct Fil: Decodable { var id: UUID; var epreuve: String; var centre: String?; var academie: String; var titre: String; var messages: Int
        var nonLus: Int }
    struct FilVue { var id: String; var titre: String; var epreuve: String; var commission: String; var messages: Int; var nonLus: Int }

    private static func vue(_ f: Fil, _ noms: [String: String]) -> FilVue {
        FilVue(id: f.id.uuidString.lowercased(), titre: f.titre, epreuve: f.epreuve,
               commission: f.centre.map { "centre \(Libelle.etablissement($0, noms))" } ?? "académie \(f.academie)", messages: f.messages,
               nonLus: f.nonLus)
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
            struct Items: Decodable { var items: [Fil] }
            let fils = try decode(Items.self, try await api(.get, "correction", "/api/correction/sessions/\(Self.sessionCourante)/fils",
                                                            session: session)).items.filter { filtre == nil || $0.epreuve == filtre }
            let noms = await nomsEtablissements(session)
            var object: [String: Any] = ["fils": fils.map { Self.vue($0, noms) }]
            if let filtre { object["epreuve"] = filtre }
            return page("messages", titre: filtre.map { "Messagerie — \($0)" } ?? "Messagerie", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func ouvrirFil(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 100_000))
        struct Ouverture: Encodable { var epreuve: String; var centre: String?; var titre: String; var texte: String }
        let centre = form["centre"].flatMap { $0.isEmpty ? nil : $0.uppercased() }
        return try await formulaire(request, context, service: "correction", "/api/correction/sessions/\(Self.sessionCourante)/fils",
                                    json: Self.json(Ouverture(epreuve: (form["epreuve"] ?? "").uppercased(), centre: centre,
                                                              titre: form["titre"] ?? "", texte: form["texte"] ?? "")),
                                    retour: "/messages", success: "Fil ouvert.", expected: [.created])
    }

    @Sendable func fil(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            struct Message: Decodable { var auteur: String; var role: String; var texte: String; var le: Date }
            struct Messages: Decodable { var fil: Fil; var items: [Message] }
            let messages = try decode(Messages.self, try await api(.get, "correction", "/api/correction/fils/\(id)/messages", session: session))
            struct MessageVue { var auteur: String; var role: String; var texte: String; var le: String }
            let vue = Self.vue(messages.fil, await nomsEtablissements(session))
            return page("fil", titre: messages.fil.titre, [
                "id": vue.id, "titre": vue.titre, "epreuve": vue.epreuve, "commission": vue.commission,
                "items": messages.items.map { MessageVue(auteur: $0.auteur, role: Libelle.role($0.role), texte: $0.texte, le: FrenchFormat.moment($0.le)) },
            ], session: session)
        }
    }

    @Sendable func repondre(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            let form = Self.form(try await request.body.collect(upTo: 100_000))
            _ = try await api(.post, "correction", "/api/correction/fils/\(id)/messages", session: session,
                              json: Self.json(["texte": form["texte"] ?? ""]))
            throw Redirect(to: "/messages/\(id.uuidString.lowercased())", cookies: session.setCookies)
        }
    }
}
