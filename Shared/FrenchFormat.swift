import Foundation

/// How documents for people write dates and marks (convocations, evaluation sheets).
public enum FrenchFormat {
    /// 2027-06-01 → 01/06/2027.
    public static func date(_ isoDate: String) -> String {
        let parts = isoDate.prefix(10).split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : isoDate
    }

    private static let mois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                               "novembre", "décembre"]

    /// 2027-06-01 → "1 juin 2027", as a page says it.
    public static func jour(_ isoDate: String) -> String {
        let parts = isoDate.prefix(10).split(separator: "-").map { Int($0) }
        guard parts.count == 3, let annee = parts[0], let m = parts[1], let j = parts[2], (1...12).contains(m) else { return isoDate }
        return "\(j) \(mois[m - 1]) \(annee)"
    }

    /// A slot's half-day code as people say it: "apres-midi" → "après-midi".
    public static func demiJournee(_ code: String) -> String { ["matin": "matin", "apres-midi": "après-midi"][code] ?? code }

    /// A slot's time ("08:00", as stored) as a convocation says it: "8 h 00"; nil unless exactly HH:MM
    /// in ASCII digits (`Int` would take "+8", which the table's CHECK then refuses with a 500).
    public static func heure(_ text: String) -> String? {
        let u = Array(text.utf8), chiffre = { (i: Int) in u[i] >= UInt8(ascii: "0") && u[i] <= UInt8(ascii: "9") }
        guard u.count == 5, u[2] == UInt8(ascii: ":"), [0, 1, 3, 4].allSatisfy(chiffre) else { return nil }
        let h = Int(u[0] - 48) * 10 + Int(u[1] - 48), m = Int(u[3] - 48) * 10 + Int(u[4] - 48)
        guard h <= 23, m <= 59 else { return nil }
        return "\(h) h \(text.suffix(2))"
    }

    /// A moment as a page says it, Paris time: "1 juin 2027 à 8 h 05".
    public static func moment(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: paris, from: date)
        let minute = c.minute ?? 0
        return jour(String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0))
            + " à \(c.hour ?? 0) h \(minute < 10 ? "0" : "")\(minute)"
    }

    /// 31 half points → "15,5".
    public static func note(_ demiPoints: Int) -> String {
        demiPoints % 2 == 0 ? "\(demiPoints / 2)" : "\(demiPoints / 2),5"
    }

    private static let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt

    /// A moment as people in France read it: "01/06/2027 08:00" (Paris time).
    public static func dateHeure(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: paris, from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(two(c.day))/\(two(c.month))/\(c.year ?? 0) \(two(c.hour)):\(two(c.minute))"
    }

    /// A form's local date and time ("2027-06-01T08:00", an HTML datetime-local) read as Paris time.
    public static func parisDateHeure(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard parts.count == 5, parts.allSatisfy({ $0 != nil }) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        let c = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])
        guard (1...12).contains(parts[1]!), (1...31).contains(parts[2]!), (0...23).contains(parts[3]!), (0...59).contains(parts[4]!),
            let date = calendar.date(from: c)
        else { return nil }
        return date
    }
}
