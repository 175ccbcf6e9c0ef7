import Foundation

/// A mail to one person: French text and attachments, rendered as MIME (multipart/mixed, the text
/// in UTF-8 quoted-printable, attachments in base64).
public struct Courriel: Sendable {
    public struct PieceJointe: Sendable {
        public var nom: String
        public var type: String
        public var contenu: [UInt8]
        public init(nom: String, type: String, contenu: [UInt8]) { (self.nom, self.type, self.contenu) = (nom, type, contenu) }
    }

    public var destinataire: String
    public var objet: String
    public var corps: String
    public var piecesJointes: [PieceJointe]

    public init(destinataire: String, objet: String, corps: String, piecesJointes: [PieceJointe] = []) {
        (self.destinataire, self.objet, self.corps, self.piecesJointes) = (destinataire, objet, corps, piecesJointes)
    }

    /// An address as a person typed it (trimmed), or nil when it is not one a mail can go to.
    public static func adresse(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return (try? SMTPClient.address(text)).flatMap { $0.split(separator: "@").count == 2 ? $0 : nil }
    }

    /// The message as sent: `id` makes the Message-ID, the same at every attempt (a receiver may
    /// recognise a resend).
    public func mime(from: String, id: UUID, date: Date = Date()) throws -> String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "ece.localhost"
        let boundary = "=_ece_\(id.uuidString.lowercased())"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var text = """
            From: Plateforme ECE <\(try SMTPClient.address(from))>\r
            To: <\(try SMTPClient.address(destinataire))>\r
            Subject: \(Self.encodedWord(objet))\r
            Date: \(formatter.string(from: date))\r
            Message-ID: <\(id.uuidString.lowercased())@\(domain)>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="\(boundary)"\r
            \r
            --\(boundary)\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            \(Self.quotedPrintable(corps))\r

            """
        for piece in piecesJointes {
            let nom = piece.nom.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            text += """
                --\(boundary)\r
                Content-Type: \(piece.type); name="\(nom)"\r
                Content-Disposition: attachment; filename="\(nom)"\r
                Content-Transfer-Encoding: base64\r
                \r
                \(Data(piece.contenu).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))\r

                """
        }
        return text + "--\(boundary)--\r\n"
    }

    /// A header value in RFC 2047 form when it is not plain ASCII (line breaks dropped: no header injection).
    static func encodedWord(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard flat.contains(where: { !$0.isASCII }) else { return flat }
        return "=?UTF-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }

    /// RFC 2045 quoted-printable, CRLF line breaks, lines of at most 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var out = "", width = 0
            let bytes = Array(line.utf8)
            for (i, byte) in bytes.enumerated() {
                let last = i == bytes.count - 1
                let plain = (33...126).contains(byte) && byte != UInt8(ascii: "=") || (byte == 32 && !last)
                let piece = plain ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if width + piece.count > 75 {
                    out += "=\r\n"
                    width = 0
                }
                out += piece
                width += piece.count
            }
            return out
        }.joined(separator: "\r\n")
    }
}
