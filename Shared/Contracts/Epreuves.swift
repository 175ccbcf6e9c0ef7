/// The five practical exams every service names by code (DESIGN.md §7).
public enum EpreuvePratique: String, CaseIterable, Codable, Sendable {
    case T011B, T012B, T010B, T029B, T030B

    /// The track a candidate of this exam follows (bac général BCG, bac technologique BTN).
    public var filiere: String { self == .T029B || self == .T030B ? "BTN" : "BCG" }

    public var libelle: String {
        switch self {
        case .T011B: "Physique-chimie pratique (ECE)"
        case .T012B: "Sciences de la vie et de la Terre pratique (ECE)"
        case .T010B: "Numérique et sciences informatiques pratique"
        case .T029B: "STL biochimie-biologie-biotechnologies pratique"
        case .T030B: "STL sciences physiques et chimiques en laboratoire pratique"
        }
    }
}
