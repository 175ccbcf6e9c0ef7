/// The UAI (ex-RNE) of a school: 7 digits (the first three give the département) and a check
/// letter, `"ABCDEFGHJKLMNPRSTUVWXYZ"[n mod 23]` for the 7-digit number n (I, O and Q are never used).
enum UAI {
    static let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")

    static func isValid(_ text: String) -> Bool {
        let chars = Array(text.uppercased())
        guard chars.count == 8, chars.prefix(7).allSatisfy(\.isASCII), let n = Int(String(chars.prefix(7))),
            chars.prefix(7).allSatisfy(\.isNumber)
        else { return false }
        return letters[n % 23] == chars[7]
    }
}
