import Foundation

/// What a consumer checks in a payload before using it: a stray or forged event must be refused
/// (parked in the DLQ with the reason), never trap a range or reach the database with values that
/// make Postgres fail over and over. Each check returns the problem, or nil.
public enum EventChecks {
    public static let sessions = 2000...2100
    /// The most chunks a snapshot may announce (a national publication is far below).
    public static let maximumChunks = 100_000

    public static func session(_ session: Int) -> String? {
        sessions.contains(session) ? nil : "session \(session) outside \(sessions)"
    }

    public static func epreuve(_ code: String) -> String? {
        EpreuvePratique(rawValue: code) != nil ? nil : "unknown exam \(code.prefix(20).debugDescription)"
    }

    /// Académie codes (`03`) and UAIs (`0251080N`) are short ASCII letters and digits.
    public static func code(_ value: String, _ field: String, length: ClosedRange<Int>) -> String? {
        length.contains(value.count) && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            ? nil : "\(field) \(value.prefix(20).debugDescription) is not a code of \(length) letters or digits"
    }

    public static func academie(_ value: String) -> String? { code(value, "academie", length: 1...8) }
    public static func uai(_ value: String, _ field: String = "centreUAI") -> String? { code(value, field, length: 8...8) }

    /// Chunk `chunk` of `chunks`, carrying `count` items of at most `maximum`.
    public static func chunk(_ chunk: Int, of chunks: Int, count: Int, maximum: Int) -> String? {
        guard (1...maximumChunks).contains(chunks) else { return "chunks \(chunks) outside 1...\(maximumChunks)" }
        guard (1...chunks).contains(chunk) else { return "chunk \(chunk) outside 1...\(chunks)" }
        return count <= maximum ? nil : "\(count) items in one chunk (at most \(maximum))"
    }

    /// A name or label: present when required, bounded, one line.
    public static func text(_ value: String?, _ field: String, required: Bool = true, maximum: Int = 200) -> String? {
        guard let value else { return required ? "\(field) missing" : nil }
        if required && value.trimmingCharacters(in: .whitespaces).isEmpty { return "\(field) empty" }
        if value.count > maximum { return "\(field) longer than \(maximum) characters" }
        if value.contains(where: { $0.isNewline }) { return "\(field) spans several lines" }
        return nil
    }

    /// The first problem found, if any.
    public static func first(_ problems: String?...) -> String? { problems.lazy.compactMap { $0 }.first }
}
