import Foundation
import Shared

/// One error of an import report: where (line, column) and why.
struct ImportError: Codable, Sendable, Equatable {
    var line: Int
    var column: String
    var reason: String
}

/// Reads a CSV file as it streams in, for the imports that check every line (candidates, the school
/// directory): lines are cut and split here, checked by the import.
///
/// Format: a header naming the columns (any order, case-insensitive), then the lines. Separator `;`
/// or `,` (whichever the header uses); UTF-8 (with or without BOM) or Windows-1252 (detected: the
/// first line that is not valid UTF-8 switches the file to it); fields may be quoted with `"`
/// (doubled inside). Blank lines are ignored. Columns an import does not know are ignored.
struct FichierCSV {
    static let maxErrors = 1000
    /// A real line is a few hundred bytes: anything longer is refused, and not kept in memory.
    static let maxLineBytes = 10_000

    /// One line of data: its number in the file and its fields, read by column name.
    struct Ligne {
        var numero: Int
        fileprivate var fields: [String]
        fileprivate var header: [String: Int]
        /// The field, trimmed; empty when the line is short.
        subscript(_ column: String) -> String {
            guard let i = header[column], i < fields.count else { return "" }
            return fields[i].trimmingCharacters(in: .whitespaces)
        }
    }

    /// The columns every line must have (the header is checked against them).
    let columns: [String]

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

    init(columns: [String]) {
        self.columns = columns
    }

    /// The complete data lines in these bytes. Linear in the bytes fed, however they are split: each
    /// byte is looked at once for a newline, and a line longer than `maxLineBytes` is reported and
    /// skipped without being kept.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Ligne] {
        var lignes: [Ligne] = []
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
                if let ligne = line(Array(pending[start..<end])) { lignes.append(ligne) }
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
        return lignes
    }

    /// The last line, when the file does not end with a newline.
    mutating func finish() -> [Ligne] {
        let last = !pending.isEmpty && !skipping ? line(pending) : nil
        pending = []
        scanned = 0
        skipping = false
        if separator == nil { error(1, "en-tête", "fichier vide / empty file") }
        return last.map { [$0] } ?? []
    }

    mutating func error(_ line: Int, _ column: String, _ reason: String) {
        errorCount += 1
        if errors.count < Self.maxErrors { errors.append(ImportError(line: line, column: column, reason: reason)) }
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

    private mutating func line(_ raw: [UInt8]) -> Ligne? {
        lineNumber += 1
        var bytes = raw[...]
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty || lineNumber == 1 else { return nil }  // blank lines are ignored
        let text: String
        if encoding == "UTF-8", let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
        } else {
            encoding = "Windows-1252"
            text = String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        }
        guard let separator else {
            readHeader(text)
            return nil
        }
        guard let fields = Self.split(text, separator) else {
            error(lineNumber, "ligne", "guillemets non fermés / unterminated quotes")
            return nil
        }
        // Without every column in the header, the header's errors say it all.
        guard columns.allSatisfy({ header[$0] != nil }) else { return nil }
        return Ligne(numero: lineNumber, fields: fields, header: header)
    }

    private mutating func readHeader(_ text: String) {
        separator = text.contains(";") ? ";" : ","
        let names = (Self.split(text, separator!) ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for (i, name) in names.enumerated() { header[name] = i }
        for column in columns where header[column] == nil {
            error(1, column, "colonne absente de l'en-tête / column missing from the header")
        }
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

extension Problem {
    /// A file refused whole: every error with its line and column, nothing recorded.
    static func fichierRefuse(_ fichier: some Collection<ImportError>, total: Int) -> Problem {
        Problem(.unprocessableContent, type: "import-refused", title: "Fichier refusé, rien n'a été importé / File refused, nothing imported",
                detail: "\(total) erreur(s) / error(s)", errors: fichier.map { .init(field: $0.column, reason: $0.reason, line: $0.line) })
    }
}
