import Foundation
import Shared

/// Reads a designations file as it streams in (`FichierCSV`): one designation a line, checked as the
/// JSON route checks one, so that a school or an académie designates its whole list at once.
///
/// Columns: `role;epreuve;centre;login;nom;prenom`, and when known `email;uai;divisions;discipline`.
/// `role`: examinateur or coordinateur (a coordinator's `centre` is empty); `divisions` separated by
/// commas or spaces (`T1 T2`).
struct DesignationsCSV {
    static let columns = ["role", "epreuve", "centre", "login", "nom", "prenom"]
    /// As many as one export may carry: a whole académie's examiners fit several times over.
    static let maxLines = 10_000

    /// The lines well formed, with their line in the file.
    private(set) var demandes: [(ligne: Int, demande: DemandeDesignation)] = []
    private var fichier = FichierCSV(columns: Self.columns)
    private var lues = 0

    /// In the file's order (a line's perimeter errors are found after the whole file is read).
    var errors: [ImportError] {
        fichier.errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
    var errorCount: Int { fichier.errorCount }
    var lineNumber: Int { fichier.lineNumber }
    var separator: Character? { fichier.separator }
    var encoding: String { fichier.encoding }

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for ligne in fichier.feed(bytes) { validate(ligne) }
    }

    mutating func finish() {
        for ligne in fichier.finish() { validate(ligne) }
    }

    /// A line refused later (a perimeter, a centre): each of the problem's fields, or its reason.
    mutating func refuse(_ line: Int, _ problem: Problem) {
        let fields = problem.errors ?? []
        if fields.isEmpty { fichier.error(line, "ligne", problem.detail ?? problem.title) }
        for field in fields { fichier.error(line, Self.column(field.field), field.reason) }
    }

    /// The file's column of a JSON field (`intervenant.login` is `login`).
    static func column(_ field: String) -> String {
        field.hasPrefix("intervenant.") ? String(field.dropFirst("intervenant.".count)) : field
    }

    private mutating func validate(_ ligne: FichierCSV.Ligne) {
        let n = ligne.numero
        lues += 1
        guard lues <= Self.maxLines else {
            if lues == Self.maxLines + 1 {
                fichier.error(n, "ligne", "plus de \(Self.maxLines) désignations : découpez le fichier / more than \(Self.maxLines) lines")
            }
            return
        }
        func optionnel(_ column: String) -> String? { ligne[column].isEmpty ? nil : ligne[column] }
        guard let role = MissionKind(rawValue: ligne["role"].lowercased()) else {
            fichier.error(n, "role", "examinateur ou coordinateur")
            return
        }
        let divisions = optionnel("divisions").map {
            $0.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        let demande = DemandeDesignation(
            role: role, epreuve: ligne["epreuve"].uppercased(), centre: optionnel("centre")?.uppercased(),
            intervenant: .init(login: ligne["login"], nom: ligne["nom"], prenom: ligne["prenom"], email: optionnel("email"),
                               uai: optionnel("uai")?.uppercased(), divisions: divisions, discipline: optionnel("discipline")))
        let erreurs = demande.erreurs
        for erreur in erreurs { fichier.error(n, Self.column(erreur.field), erreur.reason) }
        if erreurs.isEmpty { demandes.append((n, demande)) }
    }
}
