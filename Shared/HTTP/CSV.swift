import Hummingbird

/// Files for a spreadsheet (the jury's grades, the candidates with their centre and slot):
/// `;`-separated UTF-8 with a BOM so that a spreadsheet opens it as is, one line per row.
public enum CSV {
    /// A cell a spreadsheet would run as a formula is quoted as text; `;`, quotes and line breaks are quoted.
    public static func cellule(_ texte: String) -> String {
        let sur = "=+-@".contains(texte.first ?? " ") ? "'" + texte : texte
        return sur.contains(where: { $0 == ";" || $0 == "\"" || $0.isNewline })
            ? "\"" + sur.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : sur
    }

    /// The file's text: UTF-8 with a BOM (a spreadsheet then reads the accents), `;`, CRLF.
    public static func texte(colonnes: [String], lignes: [[String]]) -> String {
        var csv = "\u{FEFF}" + colonnes.joined(separator: ";") + "\r\n"
        for ligne in lignes { csv += ligne.map(cellule).joined(separator: ";") + "\r\n" }
        return csv
    }

    /// The file as a download named `fichier`.
    public static func response(colonnes: [String], lignes: [[String]], fichier: String) -> Response {
        let csv = texte(colonnes: colonnes, lignes: lignes)
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(fichier)\""],
                        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
}
