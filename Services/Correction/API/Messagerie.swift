import Foundation
import Shared

/// The messaging between examiners, référents, centres, coordinators and the académie: threads on a
/// commission or on the académie's exam, each read only by those its scope names.
extension CorrectionAPI {
    func listerFils(_ input: Operations.ListerFils.Input) async throws -> Operations.ListerFils.Output {
        let caller = try RequeteGeneree.moi()
        let items = try await messagerie.fils(session: try RequeteGeneree.session(input.path.annee), caller: caller)
        return .ok(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    /// A new thread, on a commission (with `centre`) or on the académie's exam, and its first message.
    func ouvrirFil(_ input: Operations.OuvrirFil.Input) async throws -> Operations.OuvrirFil.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let titre = body.titre.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = Self.texte(body.texte)
        if !(1...200).contains(titre.count) { errors.append(.init(field: "titre", reason: "1 à 200 caractères / 1 to 200 characters")) }
        if EpreuvePratique(rawValue: body.epreuve) == nil { errors.append(.init(field: "epreuve", reason: "épreuve inconnue / unknown exam")) }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        var academie = try await messagerie.academie(session: session, epreuve: body.epreuve, centre: body.centre, caller: caller)
        if academie == nil, caller.role == .examinateur {
            academie = try await commissions.academieConvoquee(login: caller.login, session: session, epreuve: body.epreuve)
        }
        guard let academie else { throw Problem.notFound("commission") }
        guard let id = try await messagerie.ouvrir(session: session, epreuve: body.epreuve, academie: academie, centre: body.centre,
                                                   titre: titre, texte: body.texte, caller: caller,
                                                   correlationId: try RequeteGeneree.courant().correlationId)
        else { throw Problem.forbidden("fil hors de votre périmètre / thread outside your scope") }
        return .created(.init(body: .json(Correspondance.cree(id))))
    }

    func lireMessages(_ input: Operations.LireMessages.Input) async throws -> Operations.LireMessages.Output {
        let caller = try RequeteGeneree.moi()
        let fil = try await fil(input.path.id, caller)
        let items = try await messagerie.messages(fil.id, lecteur: caller.login)
        return .ok(.init(body: .json(.init(fil: try Pont.vue(fil), items: try Pont.vue(items)))))
    }

    func posterMessage(_ input: Operations.PosterMessage.Input) async throws -> Operations.PosterMessage.Output {
        let caller = try RequeteGeneree.moi()
        let fil = try await fil(input.path.id, caller)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let errors = Self.texte(body.texte)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        try await messagerie.poster(fil.id, texte: body.texte, caller: caller, correlationId: try RequeteGeneree.courant().correlationId)
        return .created(.init())
    }

    /// The thread of the path, if the caller reads it; 404 alike otherwise.
    private func fil(_ id: String, _ caller: Identity) async throws -> Fil {
        guard let fil = try await messagerie.fil(try Correspondance.id(id, "fil"), caller: caller) else { throw Problem.notFound("fil") }
        return fil
    }

    private static func texte(_ texte: String) -> [Problem.FieldError] {
        let trimmed = texte.trimmingCharacters(in: .whitespacesAndNewlines)
        return (1...5000).contains(trimmed.count) ? [] : [.init(field: "texte", reason: "1 à 5 000 caractères / 1 to 5,000 characters")]
    }
}
