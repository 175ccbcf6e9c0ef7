import Foundation
import Hummingbird
import Shared

/// The grading editor on a candidate's sheet (read, draw or choose the subject, save), its offer
/// and audit, the examiner's lots, and their locking.
extension CorrectionAPI {
    /// The subject chosen where the slot lets the candidate choose.
    func enregistrerSujetTire(_ input: Operations.EnregistrerSujetTire.Input) async throws -> Operations.EnregistrerSujetTire.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "fiche")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let sujet = try Correspondance.uuid(body.sujetId, "sujetId")
        return .ok(.init(body: .json(try Pont.vue(try await fiches.choisir(id, sujet: sujet, version: body.version, by: caller)))))
    }

    /// The subjects the sheet's slot offers, for the editor: who reads the sheet reads its offer.
    func lireOffre(_ input: Operations.LireOffre.Input) async throws -> Operations.LireOffre.Output {
        .ok(.init(body: .json(try Pont.vue(try await fiches.offre(try await lisible(input.path.id).0)))))
    }

    func lireAuditFiche(_ input: Operations.LireAuditFiche.Input) async throws -> Operations.LireAuditFiche.Output {
        let (fiche, caller) = try await lisible(input.path.id)
        var items = try await fiches.audit(fiche: fiche.id)
        // An examiner of the lot learns a second look's outcome once settled, never before who
        // reads it nor what they gave (the security review's F1).
        if caller.role == .examinateur { items.removeAll { ["seconde_lecture.demandee", "seconde_lecture.lue"].contains($0.action) } }
        return .ok(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    // MARK: lots

    func listerMesLots(_ input: Operations.ListerMesLots.Input) async throws -> Operations.ListerMesLots.Output {
        .ok(.init(body: .json(.init(items: try await fiches.mesLots(login: try RequeteGeneree.moi().login).map(Correspondance.vue)))))
    }

    /// The lot's examiner locks it; so may, on their behalf, whoever follows the correction of its
    /// exam × centre (the centre, its référent, a coordinator convoked for the exam, the académie's
    /// gestionnaire). The audit names who did.
    func verrouillerLot(_ input: Operations.VerrouillerLot.Input) async throws -> Operations.VerrouillerLot.Output {
        let caller = try RequeteGeneree.moi()
        let lot = try await lot(input.path.id, caller)
        let candidats = try await fiches.verrouiller(lot, by: caller, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(.init(candidats: candidats))))
    }

    /// The same four, never the examiner, unlock with a reason.
    func deverrouillerLot(_ input: Operations.DeverrouillerLot.Input) async throws -> Operations.DeverrouillerLot.Output {
        let caller = try RequeteGeneree.moi()
        let lot = try await lot(input.path.id, caller)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        try await fiches.deverrouiller(lot, motif: try Self.motif(body.motif), by: caller,
                                       correlationId: try RequeteGeneree.courant().correlationId)
        return .noContent(.init())
    }
}

// MARK: the hot path, hand-written

/// Reading, drawing and saving a sheet are the examiners' every click: hand-written, without the
/// generated server's JSON round trips (+52 % of Correction's CPU per sheet, `hand-written-operations.md`).
/// The same guards and scope as the generated operations, and the same shapes (`Fiche`, `Enregistrement`).
extension CorrectionAPI {
    /// Who draws and saves: an examiner (the repository checks their lot, under lock).
    static let correcteur = Garde(.examinateur)

    func routesEditeur(on router: Router<ECERequestContext>) {
        let fiches = RequeteGeneree.manuscrites(on: router, "/api/correction/fiches")
        fiches.get(":id", use: lireFiche)
        fiches.put(":id", use: enregistrerFiche)
        fiches.post(":id/tirage", use: tirerSujet)
    }

    @Sendable func lireFiche(_ request: Request, context: ECERequestContext) async throws -> Fiche {
        _ = try Self.lecteurs.admettre()
        return try await lisible(context.parameters.get("id") ?? "").0
    }

    /// One save: the version read, the grid (draft or final), an absence, an override with its reason.
    /// A stale version gets 409 with the sheet as it stands. Only an examiner of the sheet's lot,
    /// convoked on its exam × centre, writes on it: the repository checks it under lock (404 otherwise).
    @Sendable func enregistrerFiche(_ request: Request, context: ECERequestContext) async throws -> Fiche {
        let caller = try Self.correcteur.admettre()
        let id = try context.uuid(of: "fiche")
        return try await self.fiches.enregistrer(id, try await Self.correcteur.lire(Enregistrement.self, from: request),
                                                 by: caller)
    }

    struct Tirage: Decodable { var version: Int }

    @Sendable func tirerSujet(_ request: Request, context: ECERequestContext) async throws -> Fiche {
        let caller = try Self.correcteur.admettre()
        let id = try context.uuid(of: "fiche")
        let body = try await Self.correcteur.lire(Tirage.self, from: request)
        return try await self.fiches.tirer(id, version: body.version, by: caller)
    }
}

/// The sheet as JSON, its barème spliced in as `BaremesFiges` encoded it once for the subject's version.
extension Fiche: ResponseGenerator {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var sheet = self
        var bareme: Data?
        if self.bareme != nil, let sujet, let json = BaremesFiges.shared.json(sujet: sujet.id, version: sujet.baremeVersion) {
            sheet.bareme = nil
            bareme = json
        }
        var json = try JSONEncoder.iso.encode(sheet)
        if let bareme, json.first == UInt8(ascii: "{") {
            json.replaceSubrange(0..<1, with: Data(#"{"bareme":"#.utf8) + bareme + Data(",".utf8))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
