import AsyncHTTPClient
import ECEAPI
import Foundation
import NIOCore
import NIOHTTP1
import Shared
import TestSupport

/// The national bench's grading loop — draw a subject, save the grade, read the sheet back after a
/// lost answer (`tirerSujet`, `enregistrerFiche`, `lireFiche`) — hand-written on the shared
/// HTTPClient: through the generated client the bench spent 5.2 ms of its own CPU per sheet instead
/// of 3.6 on the same smoke run (Services/Gateway/API/hand-written-operations.md), CPU the platform
/// it measures competes for. Every other call, these three elsewhere included, is generated.
struct Editeur: Sendable {
    let passerelle: Passerelle
    let token: String

    /// What the loop reads of the sheet answered: the generated `Fiche` decodes all of it, the frozen barème included.
    struct Fiche: Decodable {
        var version: Int
        var sujet: Sujet?
        var statut: Components.Schemas.Fiche.StatutPayload
        var noteFinale: Int?
        struct Sujet: Decodable { var id: String }
    }

    func tirer(_ id: String, version: Int) async throws -> Fiche {
        try await appel(.POST, id + "/tirage", "tirerSujet", ["version": version])
    }

    func enregistrer(_ id: String, version: Int, _ saisies: [Oracle.Saisie]) async throws -> Fiche {
        try await appel(.PUT, id, "enregistrerFiche", Enregistrement(version: version, grille: Grille(saisies)))
    }

    func lire(_ id: String) async throws -> Fiche {
        try await appel(.GET, id, "lireFiche", Optional<String>.none)
    }

    private func appel(_ method: HTTPMethod, _ chemin: String, _ operation: String, _ body: (some Encodable)?) async throws -> Fiche {
        var request = HTTPClientRequest(url: passerelle.serveur() + "/api/correction/fiches/" + chemin)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder.iso.encode(body)))
        }
        let response = try await passerelle.http.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 1 << 22)
        guard response.status.code / 100 == 2 else {
            throw Refus(status: Int(response.status.code),
                        description: "\(operation) \(method) \(chemin): \(response.status) \(String(buffer: answer).prefix(600))")
        }
        return try JSONDecoder.iso.decode(Fiche.self, from: answer)
    }

    /// `enregistrerFiche`'s body, finalised, as the schema `Enregistrement` has it.
    private struct Enregistrement: Encodable { var version: Int; var grille: Grille; var finaliser = true }

    /// The grid (schema `Grille`) from the oracle's entries: levels or half points, each aid on its criterion.
    private struct Grille: Encodable {
        struct Evaluation: Encodable { var type: String; var niveau: String?; var demiPoints: Int? }
        struct Saisie: Encodable { var code: String; var evaluation: Evaluation }
        struct AideDonnee: Encodable { var critere: String; var aide: String; var heure: Date }
        var evaluations: [Saisie]
        var aides: [AideDonnee]

        init(_ saisies: [Oracle.Saisie], heure: Date = Date()) {
            evaluations = saisies.map { s in
                Saisie(code: s.code, evaluation: s.niveau.map { Evaluation(type: "niveau", niveau: $0) }
                    ?? Evaluation(type: "points", demiPoints: s.demiPoints))
            }
            aides = saisies.flatMap { s in s.aides.map { AideDonnee(critere: s.code, aide: $0, heure: heure) } }
        }
    }
}
