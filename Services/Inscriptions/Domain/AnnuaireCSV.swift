import Foundation

/// A school of the directory: what Cyclades knows of it, whatever the session.
struct Etablissement: Codable, Sendable, Equatable {
    var uai: String
    var nom: String
    var commune: String
    var academie: String
    /// Has its own laboratory: assigns its own candidates (a non-autonomous school's are assigned by
    /// the académie, road map: special cases).
    var autonome: Bool
    var latitude: Double?
    var longitude: Double?
}

/// Reads a school directory (the national « annuaire » of schools, or an académie's part of it) as
/// it streams in (`FichierCSV`), checking every line.
///
/// Columns: `uai;nom;commune;academie;autonome`, and `latitude;longitude` when known (decimal
/// degrees, a comma or a point). `autonome`: oui/non (or 1/0, true/false).
struct AnnuaireCSV {
    static let columns = ["uai", "nom", "commune", "academie", "autonome"]

    /// The académies a line may name.
    let academies: Set<String>
    /// A gestionnaire imports their own académie's schools only; nil: the national directory.
    let academie: String?

    private(set) var etablissements: [Etablissement] = []
    private var fichier = FichierCSV(columns: Self.columns)
    private var lineOfUAI: [String: Int] = [:]

    var errors: [ImportError] { fichier.errors }
    var errorCount: Int { fichier.errorCount }
    var lineNumber: Int { fichier.lineNumber }
    var separator: Character? { fichier.separator }
    var encoding: String { fichier.encoding }

    init(academies: Set<String>, academie: String?) {
        self.academies = academies
        self.academie = academie
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for ligne in fichier.feed(bytes) { validate(ligne) }
    }

    mutating func finish() {
        for ligne in fichier.finish() { validate(ligne) }
    }

    /// The line where a school is, for the errors found once the whole file is read.
    func line(of uai: String) -> Int { lineOfUAI[uai] ?? 0 }

    mutating func error(_ line: Int, _ column: String, _ reason: String) {
        fichier.error(line, column, reason)
    }

    private mutating func validate(_ ligne: FichierCSV.Ligne) {
        let n = ligne.numero
        let before = errorCount
        let uai = ligne["uai"].uppercased()
        if !UAI.isValid(uai) {
            error(n, "uai", "UAI invalide (7 chiffres et la lettre de contrôle) / invalid UAI")
        } else if let first = lineOfUAI[uai] {
            error(n, "uai", "établissement déjà décrit ligne \(first) / duplicate of line \(first)")
        }
        let nom = ligne["nom"], commune = ligne["commune"]
        if !Self.isText(nom, 1...200) { error(n, "nom", "1 à 200 caractères imprimables / 1 to 200 printable characters") }
        if !Self.isText(commune, 0...100) { error(n, "commune", "100 caractères imprimables au plus / at most 100 characters") }
        let academie = ligne["academie"].uppercased()
        if !academies.contains(academie) {
            error(n, "academie", "académie inconnue / unknown académie")
        } else if let own = self.academie, academie != own {
            error(n, "academie", "établissement d'une autre académie que la vôtre (\(own)) / another académie's school")
        }
        let autonome = Self.oui(ligne["autonome"])
        if autonome == nil { error(n, "autonome", "oui ou non / yes or no") }
        let latitude = Self.degres(ligne["latitude"], -90...90), longitude = Self.degres(ligne["longitude"], -180...180)
        if latitude == nil { error(n, "latitude", "degrés décimaux entre -90 et 90 / decimal degrees") }
        if longitude == nil { error(n, "longitude", "degrés décimaux entre -180 et 180 / decimal degrees") }
        if let latitude, let longitude, (latitude == nil) != (longitude == nil) {
            error(n, "longitude", "latitude et longitude ensemble, ou aucune / both or neither")
        }
        if UAI.isValid(uai), lineOfUAI[uai] == nil { lineOfUAI[uai] = n }
        guard errorCount == before, let autonome, let latitude, let longitude else { return }
        etablissements.append(Etablissement(uai: uai, nom: nom, commune: commune, academie: academie, autonome: autonome,
                                            latitude: latitude, longitude: longitude))
    }

    /// Printable text on one line: no control character (NUL, U+001F…), no line or paragraph separator,
    /// which PostgreSQL, the events' checks or a convocation would refuse downstream.
    static func isText(_ value: String, _ length: ClosedRange<Int>) -> Bool {
        length.contains(value.count) && !value.contains(where: \.isNewline)
            && !value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func oui(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "oui", "o", "1", "true", "vrai": return true
        case "non", "n", "0", "false", "faux": return false
        default: return nil
        }
    }

    /// Empty: unknown (`.some(nil)`); a decimal in range (a comma as the decimal mark too); else nil.
    static func degres(_ value: String, _ range: ClosedRange<Double>) -> Double?? {
        if value.isEmpty { return .some(nil) }
        guard value.count <= 20, let number = Double(value.replacingOccurrences(of: ",", with: ".")), range.contains(number)
        else { return nil }
        return .some(number)
    }
}
