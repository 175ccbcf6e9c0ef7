import Foundation
import Logging
import PostgresNIO
import Shared

/// Accounts of examiners and coordinators come from Missions' `convocation.issued` (Imag'In is where
/// they come from). The account waits for its owner to set a password with the convocation's code.
struct ConvocationHandlers: Sendable {
    let accounts: AccountRepository

    var handlers: [String: EventHandler] {
        [ConvocationIssued.eventType: { event, connection, logger in
            try await issued(event, connection: connection, logger: logger)
        }, ConvocationCancelled.eventType: { event, connection, logger in
            try await cancelled(event, connection: connection, logger: logger)
        }]
    }

    /// A cancelled convocation's code no longer activates.
    func cancelled(_ event: IncomingEvent, connection: PostgresConnection, logger: Logger) async throws {
        guard event.version == ConvocationCancelled.eventVersion else {
            throw EventRejected("convocation.cancelled v\(event.version) is not understood")
        }
        let cancellation = try event.payload(as: ConvocationCancelled.self)
        try await accounts.cancelCode(convocationId: cancellation.convocationId, on: connection)
        logger.info("activation code of a cancelled convocation withdrawn", metadata: ["convocation": "\(cancellation.convocationId)"])
    }

    /// Whether the issuing authority may convoke to this mission: the académie's gestionnaire, or a
    /// school for an examiner mission of its own teacher (Missions' own rule).
    static func withinPerimeter(_ convocation: ConvocationIssued) -> Bool {
        guard let autorite = convocation.autorite else { return true }
        switch Scope(autorite) {
        case .academie(let code): return code == convocation.academie
        case .etablissement(let uai):
            return convocation.kind == .examinateur && convocation.intervenant.uai == uai
        case .national, nil: return false
        }
    }

    func issued(_ event: IncomingEvent, connection: PostgresConnection, logger: Logger) async throws {
        guard event.version == ConvocationIssued.eventVersion else {
            throw EventRejected("convocation.issued v\(event.version) is not understood")
        }
        let convocation = try event.payload(as: ConvocationIssued.self)
        let person = convocation.intervenant
        guard (1...128).contains(person.login.count), !person.nom.isEmpty,
            let scope = Scope("academie:\(convocation.academie)"),
            convocation.activationCodeSHA256.count == 64,
            convocation.activationCodeSHA256.allSatisfy(\.isHexDigit)
        else { throw EventRejected("convocation.issued with an invalid person, académie or activation code") }
        // An account's role and scope never come from a convocation its issuer could not make.
        guard Self.withinPerimeter(convocation) else {
            throw EventRejected("convocation.issued by \(convocation.autorite ?? "?") outside its perimeter")
        }
        let role: Role = convocation.kind == .examinateur ? .examinateur : .coordinateur
        let recorded = try await accounts.prepareConvoked(
            convocationId: convocation.convocationId, id: person.id, login: person.login,
            displayName: "\(person.prenom) \(person.nom)", email: Courriel.adresse(person.email), role: role, scope: scope, autorite: convocation.autorite,
            activationCodeSHA256: convocation.activationCodeSHA256.lowercased(), on: connection)
        if recorded {
            logger.info("account prepared from a convocation", metadata: ["login": "\(person.login)"])
        } else {
            logger.notice("convocation left the account as it was (activated, or created by another authority)",
                          metadata: ["login": "\(person.login)", "autorite": "\(convocation.autorite ?? "?")"])
        }
    }
}
