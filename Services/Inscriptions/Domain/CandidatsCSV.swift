import Shared
import Foundation

/// One error of an import report: where (line, column) and why.
struct ImportError: Codable, Sendable, Equatable {
    var line: Int
    var column: String
    var reason: String
}

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

/// Reads the candidates-and-registrations CSV as it streams in, validating every line.
///
/// Format: a header naming the columns (any order, case-insensitive)
/// `numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve`, then one line per
/// registration. Separator `;` or `,` (whichever the header uses); UTF-8 (with or without BOM) or
/// Windows-1252 (detected: the first line that is not valid UTF-8 switches the file to it);
/// fields may be quoted with `"` (doubled inside). Dates `jj/mm/aaaa` or `aaaa-mm-jj`.
struct CandidatsCSV {
    static let columns = ["numero", "nom", "prenoms", "naissance", "categorie", "uai", "division", "filiere", "epreuve"]
    static let categories: Set<String> = ["scolaire", "individuel", "cned", "morea"]
    static let maxErrors = 1000
    /// A real line is a few hundred bytes: anything longer is refused, and not kept in memory.
    static let maxLineBytes = 10_000

    /// UAI → académie of the schools the importer may register candidates from.
    let etablissements: [String: String]
    /// The importer's académie: every school must belong to it.
    let academie: String

    private(set) var lignes: [LigneCandidat] = []
    private(set) var errors: [ImportError] = []
    private(set) var errorCount = 0
    private(set) var lineNumber = 0
    private(set) var separator: Character?
    private(set) var encoding = "UTF-8"
    private var header: [String: Int] = [:]
    private var pending: [UInt8] = []
    /// Where the search for the next newline resumes in `pending` (what is before has none).
    private var scanned = 0
    /// Inside a line longer than `maxLineBytes`: its bytes are dropped until its end.
    private var skipping = false
    private var firstOfNumero: [String: LigneCandidat] = [:]
    private var seen = Set<String>()

    init(etablissements: [String: String], academie: String) {
        self.etablissements = etablissements
        self.academie = academie
    }

    /// Linear in the bytes fed, however they are split: each byte is looked at once for a newline,
    /// and a line longer than `maxLineBytes` is reported and skipped without being kept.
    mutating func feed(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
        var start = 0
        while let newline = pending[max(start, scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
            if skipping {
                skipping = false
            } else if newline - start > Self.maxLineBytes + 1 {
                tooLong()
            } else {
                var end = newline
                if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                line(Array(pending[start..<end]))
            }
            start = newline + 1
            scanned = start
        }
        scanned = pending.count
        if !skipping, pending.count - start > Self.maxLineBytes {
            tooLong()
            skipping = true
        }
        if skipping {
            pending.removeAll(keepingCapacity: true)
            scanned = 0
        } else {
            pending.removeFirst(start)
            scanned -= start
        }
    }

    mutating func finish() {
        if !pending.isEmpty && !skipping { line(pending) }
        pending = []
        scanned = 0
        skipping = false
        if separator == nil { error(1, "en-tête", "fichier vide / empty file") }
    }

    /// Counts the line and reports it; a header that long leaves no header (every line after is refused).
    private mutating func tooLong() {
        lineNumber += 1
        if separator == nil {
            separator = ";"
            error(lineNumber, "en-tête", "ligne de plus de \(Self.maxLineBytes) octets / line longer than \(Self.maxLineBytes) bytes")
        } else {
            error(lineNumber, "ligne", "ligne de plus de \(Self.maxLineBytes) octets / line longer than \(Self.maxLineBytes) bytes")
        }
    }

    private mutating func line(_ raw: [UInt8]) {
        lineNumber += 1
        var bytes = raw[...]
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty || lineNumber == 1 else { return }  // blank lines are ignored
        let text: String
        if encoding == "UTF-8", let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
        } else {
            encoding = "Windows-1252"
            text = String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        }
        guard let separator else { return readHeader(text) }
        guard let fields = Self.split(text, separator) else {
            return error(lineNumber, "ligne", "guillemets non fermés / unterminated quotes")
        }
        validate(fields)
    }

    private mutating func readHeader(_ text: String) {
        separator = text.contains(";") ? ";" : ","
        let names = (Self.split(text, separator!) ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for (i, name) in names.enumerated() { header[name] = i }
        for column in Self.columns where header[column] == nil {
            error(1, column, "colonne absente de l'en-tête / column missing from the header")
        }
    }

    private mutating func validate(_ fields: [String]) {
        guard header.count >= Self.columns.count, Self.columns.allSatisfy({ header[$0] != nil }) else { return }
        func field(_ name: String) -> String {
            let i = header[name]!
            return i < fields.count ? fields[i].trimmingCharacters(in: .whitespaces) : ""
        }
        let before = errorCount
        let n = lineNumber
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
        errorCount += 1
        if errors.count < Self.maxErrors { errors.append(ImportError(line: line, column: column, reason: reason)) }
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

    /// Splits one line, honouring `"…"` quoting; nil when a quote is left open.
    static func split(_ line: String, _ separator: Character) -> [String]? {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pendingQuote = false
        while let c = iterator.next() {
            if pendingQuote {
                pendingQuote = false
                if c == "\"" { current.append("\""); continue }
                quoted = false
            }
            if quoted {
                if c == "\"" { pendingQuote = true } else { current.append(c) }
            } else if c == "\"" && current.isEmpty {
                quoted = true
            } else if c == separator {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if pendingQuote { quoted = false }
        guard !quoted else { return nil }
        fields.append(current)
        return fields
    }
}
