import Shared
import Foundation

/// A valid line of the candidates file: one registration of one candidate to one exam.
struct LigneCandidat: Sendable, Equatable {
    var line: Int
    var numero: String
    var nom: String
    var prenoms: String
    /// ISO date `yyyy-mm-dd`.
    var naissance: String
    var categorie: String
    var uai: String?
    var division: String?
    var filiere: String
    var epreuve: String

    /// Who the line describes, whatever the exam.
    var personne: [String?] { [nom, prenoms, naissance, categorie, uai, division, filiere] }
}

/// Reads the candidates-and-registrations CSV as it streams in (`FichierCSV`), validating every line.
///
/// Columns: `numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve`, one line per
/// registration. Dates `jj/mm/aaaa` or `aaaa-mm-jj`.
struct CandidatsCSV {
    static let columns = ["numero", "nom", "prenoms", "naissance", "categorie", "uai", "division", "filiere", "epreuve"]
    static let categories: Set<String> = ["scolaire", "individuel", "cned", "morea"]

    /// UAI → académie of the schools the importer may register candidates from.
    let etablissements: [String: String]
    /// The importer's académie: every school must belong to it.
    let academie: String

    private(set) var lignes: [LigneCandidat] = []
    private var fichier = FichierCSV(columns: Self.columns)
    private var firstOfNumero: [String: LigneCandidat] = [:]
    private var seen = Set<String>()

    var errors: [ImportError] { fichier.errors }
    var errorCount: Int { fichier.errorCount }
    var lineNumber: Int { fichier.lineNumber }
    var separator: Character? { fichier.separator }
    var encoding: String { fichier.encoding }

    init(etablissements: [String: String], academie: String) {
        self.etablissements = etablissements
        self.academie = academie
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for ligne in fichier.feed(bytes) { validate(ligne) }
    }

    mutating func finish() {
        for ligne in fichier.finish() { validate(ligne) }
    }

    private mutating func validate(_ ligne: FichierCSV.Ligne) {
        func field(_ name: String) -> String { ligne[name] }
        let before = errorCount
        let n = ligne.numero
        let numero = field("numero")
        if !(1...20).contains(numero.count) || !numero.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            error(n, "numero", "1 à 20 lettres ou chiffres / 1 to 20 letters or digits")
        }
        let nom = field("nom"), prenoms = field("prenoms")
        for (name, value) in [("nom", nom), ("prenoms", prenoms)] where !Self.isName(value) {
            error(n, name, "1 à 100 lettres, espaces, traits d'union ou apostrophes / letters, spaces, hyphens, apostrophes")
        }
        let naissance = Self.date(field("naissance"))
        if naissance == nil { error(n, "naissance", "date jj/mm/aaaa valide entre 1940 et 2015 / valid date") }
        let categorie = field("categorie").lowercased()
        if !Self.categories.contains(categorie) {
            error(n, "categorie", "scolaire, individuel, cned ou morea")
        }
        let uai = field("uai").uppercased()
        if uai.isEmpty {
            if categorie != "individuel" { error(n, "uai", "obligatoire sauf pour un individuel / required") }
        } else if !UAI.isValid(uai) {
            error(n, "uai", "UAI invalide (7 chiffres et la lettre de contrôle) / invalid UAI")
        } else if let academie = etablissements[uai] {
            if academie != self.academie { error(n, "uai", "établissement d'une autre académie / another académie's school") }
        } else {
            error(n, "uai", "établissement inconnu / unknown school")
        }
        let division = field("division")
        if division.count > 20 { error(n, "division", "20 caractères au plus / at most 20 characters") }
        if categorie == "scolaire" && division.isEmpty { error(n, "division", "obligatoire pour un scolaire / required") }
        let filiere = field("filiere").uppercased()
        let epreuve = EpreuvePratique(rawValue: field("epreuve").uppercased())
        if filiere != "BCG" && filiere != "BTN" { error(n, "filiere", "BCG ou BTN") }
        if let epreuve {
            if filiere == "BCG" || filiere == "BTN", epreuve.filiere != filiere {
                error(n, "epreuve", "\(epreuve.rawValue) n'est pas une épreuve de la filière \(filiere) / not of this track")
            }
            if !numero.isEmpty, !seen.insert("\(numero)|\(epreuve.rawValue)").inserted {
                error(n, "epreuve", "inscription en double / duplicate registration")
            }
        } else {
            error(n, "epreuve", EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard errorCount == before, let naissance, let epreuve else { return }
        let ligne = LigneCandidat(line: n, numero: numero, nom: nom, prenoms: prenoms, naissance: naissance,
                                  categorie: categorie, uai: uai.isEmpty ? nil : uai,
                                  division: division.isEmpty ? nil : division, filiere: filiere, epreuve: epreuve.rawValue)
        // The same candidate on several lines (one per exam) must be the same person every time.
        if let first = firstOfNumero[numero] {
            if first.personne != ligne.personne {
                return error(n, "numero", "candidat décrit autrement ligne \(first.line) / differs from line \(first.line)")
            }
        } else {
            firstOfNumero[numero] = ligne
        }
        lignes.append(ligne)
    }

    private mutating func error(_ line: Int, _ column: String, _ reason: String) {
        fichier.error(line, column, reason)
    }

    static func isName(_ value: String) -> Bool {
        (1...100).contains(value.count) && value.first!.isLetter
            && value.allSatisfy { $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" || $0 == "’" }
    }

    /// `jj/mm/aaaa` or `aaaa-mm-jj` → `aaaa-mm-jj`, for a real calendar date between 1940 and 2015.
    static func date(_ text: String) -> String? {
        let parts: [Int]
        if text.contains("/") {
            parts = text.split(separator: "/").compactMap { Int($0) }.reversed()
        } else {
            parts = text.split(separator: "-").compactMap { Int($0) }
        }
        guard parts.count == 3, (1940...2015).contains(parts[0]), (1...12).contains(parts[1]) else { return nil }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
