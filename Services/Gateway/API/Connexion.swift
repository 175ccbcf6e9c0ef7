import Foundation
import Logging
import OpenAPIRuntime
import Shared

/// The gateway's own API (`APIProtocol`, generated from openapi.yaml's sign-in and account
/// operations): signing in and out, tokens, activation and passwords here; the accounts in
/// Comptes.swift. The work is `Authentification`'s and `AdministrationDesComptes`'s, which the web pages call too.
struct GatewayAPI: APIProtocol {
    let auth: Authentification
    let comptes: AdministrationDesComptes

    /// A sign-in's body: a login, a password, a code or a link's token (each at most 128 characters).
    static let petitCorps = 16 << 10

    /// Who calls each operation and how large its body may be, checked before any body is read.
    static let gardes: [String: Garde] = [
        "connecter": .anonyme(limite: petitCorps), "renouvelerJetons": .anonyme(limite: petitCorps),
        "deconnecter": .anonyme(limite: petitCorps), "activerCompte": .anonyme(limite: petitCorps),
        "demanderNouveauMotDePasse": .anonyme(limite: petitCorps), "definirMotDePasse": .anonyme(limite: petitCorps),
        "demanderCodeActivation": .anonyme(limite: petitCorps),
        "lireUtilisateur": .authentifie,
        // The perimeter is `GestionDesComptes`' (admin, gestionnaire, school), on the account touched.
        "listerComptes": .authentifie, "lireCompte": .authentifie,
        "creerCompte": Garde.authentifie.borne(petitCorps), "modifierCompte": Garde.authentifie.borne(petitCorps),
    ]

    /// The client's address, as the sign-in's throttle counts it.
    private func client() throws -> String {
        auth.clientAddress.of(try RequeteGeneree.tete(), try RequeteGeneree.courant())
    }

    private var logger: Logger { get throws { try RequeteGeneree.courant().logger } }

    func connecter(_ input: Operations.Connecter.Input) async throws -> Operations.Connecter.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let tokens = try await auth.authenticate(.init(login: body.login, password: body.password), client: try client(), logger: try logger)
        return .ok(.init(body: .json(try Correspondance.vue(tokens))))
    }

    func renouvelerJetons(_ input: Operations.RenouvelerJetons.Input) async throws -> Operations.RenouvelerJetons.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        return .ok(.init(body: .json(try Correspondance.vue(try await auth.renew(body.refreshToken, logger: try logger)))))
    }

    func deconnecter(_ input: Operations.Deconnecter.Input) async throws -> Operations.Deconnecter.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await auth.end(body.refreshToken)
        return .noContent(.init())
    }

    func activerCompte(_ input: Operations.ActiverCompte.Input) async throws -> Operations.ActiverCompte.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await auth.activate(.init(login: body.login, activationCode: body.activationCode, password: body.password),
                                client: try client(), logger: try logger)
        return .noContent(.init())
    }

    func lireUtilisateur(_ input: Operations.LireUtilisateur.Input) async throws -> Operations.LireUtilisateur.Output {
        guard let account = try await auth.accounts.find(id: try RequeteGeneree.moi().userId) else { throw Problem.notFound() }
        return .ok(.init(body: .json(try Correspondance.vue(Authentification.UserView(account)))))
    }

    func demanderNouveauMotDePasse(_ input: Operations.DemanderNouveauMotDePasse.Input) async throws
        -> Operations.DemanderNouveauMotDePasse.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await auth.requestPasswordLink(body.login, client: try client(), logger: try logger)
        return .accepted(.init(body: .json(.init(avis: Authentification.avisLien.avis))))
    }

    func definirMotDePasse(_ input: Operations.DefinirMotDePasse.Input) async throws -> Operations.DefinirMotDePasse.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        _ = try await auth.setPassword(.init(token: body.token, password: body.password), client: try client(), logger: try logger)
        return .noContent(.init())
    }

    func demanderCodeActivation(_ input: Operations.DemanderCodeActivation.Input) async throws -> Operations.DemanderCodeActivation.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await auth.requestActivationCode(body.login, client: try client(), logger: try logger)
        return .accepted(.init(body: .json(.init(avis: Authentification.avisCode.avis))))
    }
}
