import Foundation
import Shared

/// A person designated to examine at a centre, or to coordinate an exam in an académie: as the JSON
/// route and the designations file (`DesignationsCSV`) ask it.
struct DemandeDesignation: Codable, Sendable {
    var role: MissionKind
    var epreuve: String
    var centre: String?
    var intervenant: Personne
    struct Personne: Codable, Sendable {
        var login: String
        var nom: String
        var prenom: String
        var email: String?
        var uai: String?
        var divisions: [String]?
        var discipline: String?
    }

    /// What is wrong with the request itself, before anyone's perimeter is looked at.
    var erreurs: [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        let person = intervenant
        if !(1...128).contains(person.login.count)
            || !person.login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_@".contains($0)) }) {
            errors.append(.init(field: "intervenant.login", reason: "1 à 128 lettres, chiffres, . - _ @"))
        }
        if !CandidatsCSV.isName(person.nom) { errors.append(.init(field: "intervenant.nom", reason: "nom invalide / invalid name")) }
        if !CandidatsCSV.isName(person.prenom) { errors.append(.init(field: "intervenant.prenom", reason: "prénom invalide / invalid")) }
        // Every text travels on to Imag'In, whose export check refuses a line break: one such person
        // would hold their whole group's exports back.
        if let email = person.email, !AnnuaireCSV.isText(email, 3...200) || !email.contains("@") || email.contains(" ") {
            errors.append(.init(field: "intervenant.email", reason: "adresse invalide / invalid address"))
        }
        if let uai = person.uai, !UAI.isValid(uai) { errors.append(.init(field: "intervenant.uai", reason: "UAI invalide")) }
        if let discipline = person.discipline, !AnnuaireCSV.isText(discipline, 1...100) {
            errors.append(.init(field: "intervenant.discipline", reason: "1 à 100 caractères imprimables / 1 to 100 printable characters"))
        }
        if let divisions = person.divisions, divisions.count > 50 || divisions.contains(where: { !AnnuaireCSV.isText($0, 1...20) }) {
            errors.append(.init(field: "intervenant.divisions", reason: "50 divisions de 1 à 20 caractères imprimables au plus / at most 50"))
        }
        if EpreuvePratique(rawValue: epreuve) == nil {
            errors.append(.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return errors
    }
}
