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
        }]
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
        let role: Role = convocation.kind == .examinateur ? .examinateur : .coordinateur
        try await accounts.upsertConvoked(id: person.id, login: person.login,
                                          displayName: "\(person.prenom) \(person.nom)", role: role, scope: scope,
                                          activationCodeSHA256: convocation.activationCodeSHA256.lowercased(),
                                          on: connection)
        logger.info("account prepared from a convocation", metadata: ["login": "\(person.login)"])
    }
}
