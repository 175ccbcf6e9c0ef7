import Shared

/// The grade Cyclades keeps for a result, in half points (ece-facts: "unjustified absence → 0").
/// A mark is itself; an unjustified absence counts 0 for the jury; a justified absence or an
/// exemption has none: the candidate sits a substitution test, or is dispensed.
enum NoteRetenue {
    static func demiPoints(_ resultat: Resultat) -> Int? {
        switch resultat {
        case .note(let demiPoints): demiPoints
        case .absentInjustifie: 0
        case .absentJustifie, .dispense: nil
        }
    }
}
