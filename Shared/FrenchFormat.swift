/// How documents for people write dates and marks (convocations, evaluation sheets).
public enum FrenchFormat {
    /// 2027-06-01 → 01/06/2027.
    public static func date(_ isoDate: String) -> String {
        let parts = isoDate.prefix(10).split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : isoDate
    }

    /// 31 half points → "15,5".
    public static func note(_ demiPoints: Int) -> String {
        demiPoints % 2 == 0 ? "\(demiPoints / 2)" : "\(demiPoints / 2),5"
    }
}
