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
        if let divisions = person.divisions, divisions.count > 50
            || divisions.contains(where: { !AnnuaireCSV.isText($0, 1...20) || $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            errors.append(.init(field: "intervenant.divisions", reason: "50 divisions de 1 à 20 caractères imprimables au plus / at most 50"))
        }
        if let centre, !UAI.isValid(centre) { errors.append(.init(field: "centre", reason: "UAI invalide")) }
        // Counted in bytes too: a letter may carry any number of combining marks, and a group is exported
        // in one event (16 MB): 2,000 people (`GroupeDesignation.maximum`) of 2,000 bytes stay far inside.
        let octets = [person.login, person.nom, person.prenom, person.email ?? "", person.discipline ?? ""].map(\.utf8.count).reduce(0, +)
            + (person.divisions ?? []).map(\.utf8.count).reduce(0, +)
        if octets > 2_000 { errors.append(.init(field: "intervenant", reason: "plus de 2 000 octets / more than 2,000 bytes")) }
        // And, last, what Imag'In's consumer itself refuses (`Intervenant.invalidity`), whatever the rules above miss.
        if errors.isEmpty, let refus = Intervenant(id: UUID(), login: person.login, nom: person.nom, prenom: person.prenom,
                                                   email: person.email, uai: person.uai, divisions: person.divisions).invalidity {
            errors.append(.init(field: "intervenant", reason: refus))
        }
        if EpreuvePratique(rawValue: epreuve) == nil {
            errors.append(.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return errors
    }
}
