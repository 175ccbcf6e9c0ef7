import Foundation
import Shared

/// The barème of a subject: saved as the draft version, or checked without storing it (the editor's
/// live validation), with one rule set (`Bareme.validate`).
extension ReferentielAPI {
    func enregistrerBareme(_ input: Operations.EnregistrerBareme.Input) async throws -> Operations.EnregistrerBareme.Output {
        let id = try Correspondance.sujet(input.path.id)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let bareme = try Correspondance.lu(body)
        let violations = bareme.validate()
        guard violations.isEmpty else { throw Problem.validation(violations.map { .init(field: $0.field, reason: $0.reason) }) }
        let version = try await sujets.saveBareme(id, bareme)
        return .ok(.init(body: .json(Correspondance.vue(BaremeVersion(version: version, valide: false, validatedAt: nil, bareme: bareme)))))
    }

    func verifierBareme(_ input: Operations.VerifierBareme.Input) async throws -> Operations.VerifierBareme.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let bareme = try Correspondance.lu(body)
        let violations = bareme.validate()
        let somme = bareme.criteres.reduce(0) { $0 &+ $1.poids }
        return .ok(.init(body: .json(.init(valide: violations.isEmpty, sommePoids: somme, violations: violations.map(Correspondance.vue)))))
    }
}
