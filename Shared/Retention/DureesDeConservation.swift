import Foundation

/// How long the platform keeps each kind of data after a session, and what becomes of it then
/// (issue 22 item 6). `docs/retention.md` gives each period's reason; `ece-ops retention` applies
/// them (`Purges` lists the statements, service by service).
public enum DureesDeConservation {
    public enum Genre: String, CaseIterable, Sendable {
        /// The commissions' threads and their notices, and every mail once sent or given up.
        case messages
        /// The sheets' audit: who changed which mark, when and why.
        case audit
        /// The copies (graded sheets, their levels and comments, lots, slots) and the printed codes.
        case documents
        /// Each candidate's grade and its history.
        case notes
        /// The candidates' identity (anonymised, not deleted: the counts stay true).
        case candidats

        /// Whole years kept after the session's school year ends.
        public var annees: Int {
            switch self {
            // The copies and what justifies their marks are kept for the year of appeals that
            // follows the results (recours gracieux and contentieux, re-marking after closing).
            case .messages, .audit, .documents: 1
            // The grades answer candidates' requests for a statement of marks and the jury's
            // checks for several years; the diploma itself is the jury's record, not ours.
            case .notes, .candidats: 5
            }
        }
    }

    /// The last session whose `genre` has expired on `date`: session N's data expires on the
    /// 1st of September of N + `annees` (a school year ends on 31 August, the session in June).
    public static func derniereSessionEchue(_ genre: Genre, au date: Date) -> Int {
        let jour = calendar.dateComponents([.year, .month], from: date)
        let annee = jour.year!, avantLaRentree = jour.month! < 9
        return annee - genre.annees - (avantLaRentree ? 1 : 0)
    }

    /// Rows tied to no session (mails): those created before this instant have expired.
    public static func limite(_ genre: Genre, au date: Date) -> Date {
        calendar.date(byAdding: .year, value: -genre.annees, to: date)!
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()
}
