import Foundation
import OpenAPIRuntime
import Shared

/// Between the gateway's generated types (`Components.Schemas`, from openapi.yaml) and its own.
/// Responses go through `Pont.vue` (the same JSON): a value the document's type would refuse (a role
/// or a state the document does not list) is a logged 500, never a silently different answer.
enum Correspondance {
    /// A path's account id: 404 when it is none, as for an account that does not exist.
    static func compte(_ id: String) throws -> UUID {
        guard let uuid = UUID(uuidString: id) else { throw Problem.notFound("compte") }
        return uuid
    }

    static func role(_ role: Components.Schemas.Role) throws -> Role {
        guard let role = Role(rawValue: role.rawValue) else {
            throw Problem.validation([.init(field: "role", reason: "rôle inconnu / unknown role")])
        }
        return role
    }

    static func vue(_ role: Role) throws -> Components.Schemas.Role { try Pont.vue(role) }
    static func vue(_ tokens: Authentification.TokenResponse) throws -> Components.Schemas.TokenResponse { try Pont.vue(tokens) }
    static func vue(_ user: Authentification.UserView) throws -> Components.Schemas.User { try Pont.vue(user) }
    static func vue(_ compte: AdministrationDesComptes.CompteVue) throws -> Components.Schemas.Compte { try Pont.vue(compte) }
}
