import Shared

/// A school as a centre d'épreuve: how many candidates it receives per half-day, over how many
/// half-days, for which exams, in which rooms (reference data the académie keeps).
///
/// The rule when it changes: a centre never stops hosting an exam while candidates are assigned to
/// it for that exam, and its capacity (places per half-day × half-days) never drops below the
/// candidates assigned to it for one exam, in an open session.
struct CentreDEpreuve: Codable, Sendable, Equatable {
    var capaciteDemiJournee: Int
    var demiJournees: Int
    var epreuves: [String]
    var salles: [String]

    /// What is wrong with the description itself.
    var erreurs: [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if !(1...1000).contains(capaciteDemiJournee) {
            errors.append(.init(field: "capaciteDemiJournee", reason: "entre 1 et 1000 places / 1 to 1000"))
        }
        if !(1...40).contains(demiJournees) { errors.append(.init(field: "demiJournees", reason: "entre 1 et 40 / 1 to 40")) }
        if epreuves.isEmpty || epreuves.count > EpreuvePratique.allCases.count
            || !epreuves.allSatisfy({ EpreuvePratique(rawValue: $0) != nil }) || Set(epreuves).count != epreuves.count {
            errors.append(.init(field: "epreuves", reason: "une ou plusieurs épreuves pratiques, sans doublon / practical exams"))
        }
        if salles.count > 100 || !salles.allSatisfy({ AnnuaireCSV.isText($0, 1...60) }) || Set(salles).count != salles.count {
            errors.append(.init(field: "salles", reason: "au plus 100 salles distinctes de 1 à 60 caractères / rooms"))
        }
        return errors
    }

    /// Why this description may not replace the centre's, given its candidates assigned per exam
    /// (open sessions); empty when it may.
    func refus(affectes: [String: Int]) -> [String] {
        var refus: [String] = []
        for (epreuve, nombre) in affectes.sorted(by: { $0.key < $1.key }) where nombre > 0 {
            if !epreuves.contains(epreuve) {
                refus.append("\(nombre) candidat(s) affecté(s) en \(epreuve) : le centre ne peut cesser de l'accueillir / candidates assigned")
            } else if nombre > capaciteDemiJournee * demiJournees {
                refus.append("\(nombre) candidat(s) affecté(s) en \(epreuve), plus que \(capaciteDemiJournee * demiJournees) places / over capacity")
            }
        }
        return refus
    }
}
