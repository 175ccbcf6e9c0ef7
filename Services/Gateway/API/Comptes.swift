import Foundation
import OpenAPIRuntime
import Shared

/// The accounts of the caller's perimeter (`GestionDesComptes`): listed, created (the owner chooses
/// the password through a mailed link), changed, disabled and enabled.
extension GatewayAPI {
    /// The caller's own token: the directory (Cyclades) is asked with it.
    private var jeton: String {
        get throws { String((try RequeteGeneree.tete().headers[.authorization] ?? "").dropFirst("Bearer ".count)) }
    }

    func listerComptes(_ input: Operations.ListerComptes.Input) async throws -> Operations.ListerComptes.Output {
        let q = input.query
        let role = try q.role.map { try Correspondance.role($0) }
        let liste = try await comptes.liste(try RequeteGeneree.moi(), role: role, recherche: q.q ?? "", page: q.page ?? 1,
                                            perPage: q.perPage ?? 50)
        return .ok(.init(body: .json(.init(items: try liste.items.map(Correspondance.vue), page: liste.page, perPage: liste.perPage,
                                           total: liste.total, creables: try liste.creables.map(Correspondance.vue)))))
    }

    func creerCompte(_ input: Operations.CreerCompte.Input) async throws -> Operations.CreerCompte.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let compte = try await comptes.creer(.init(login: body.login, nom: body.nom, role: body.role.rawValue, scope: body.scope, email: body.email),
                                             caller: try RequeteGeneree.moi(), token: try jeton, logger: try RequeteGeneree.courant().logger)
        return .created(.init(body: .json(try Correspondance.vue(compte))))
    }

    func lireCompte(_ input: Operations.LireCompte.Input) async throws -> Operations.LireCompte.Output {
        let compte = try await comptes.compte(try Correspondance.compte(input.path.id), caller: try RequeteGeneree.moi())
        return .ok(.init(body: .json(try Correspondance.vue(.init(compte)))))
    }

    func modifierCompte(_ input: Operations.ModifierCompte.Input) async throws -> Operations.ModifierCompte.Output {
        let id = try Correspondance.compte(input.path.id)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let compte = try await comptes.modifier(id, .init(nom: body.nom, email: body.email, scope: body.scope, actif: body.actif),
                                                caller: try RequeteGeneree.moi(), token: try jeton, logger: try RequeteGeneree.courant().logger)
        return .ok(.init(body: .json(try Correspondance.vue(compte))))
    }
}
