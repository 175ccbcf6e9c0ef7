import Foundation
import Shared

/// The papers of the exam day, printed by the centre and the school: each candidate's convocation
/// (one A4 page each) and a slot's attendance sheet (« feuille d'émargement »), in the ministry's
/// layout (`PDF.Page.entete`).
enum ConvocationsDocument {
    private static let left = PDF.Page.margin + 16, right = PDF.Page.width - PDF.Page.margin - 16
    private static let top = PDF.Page.height - PDF.Page.margin - 20

    private static func epreuve(_ code: String) -> String { "\(EpreuvePratique(rawValue: code)?.libelle ?? code) (\(code))" }

    // MARK: convocations

    /// One page per candidate placed in a slot (the others have no day yet and are left out).
    static func convocations(_ convoques: [Convoque], title: String) throws -> [UInt8] {
        let pdf = try PDF(title: title)
        for c in convoques {
            guard let jour = c.jour, let demiJournee = c.demiJournee else { continue }
            let page = try pdf.page()
            var y = page.entete(academie: c.academie, session: c.session, left: left, right: right, top: top) - 40
            page.text("CONVOCATION", x: left, y: y, size: 20, bold: true)
            y -= 18
            page.text("Épreuves pratiques du baccalauréat — évaluation des compétences expérimentales", x: left, y: y, size: 10)
            y -= 30
            page.text("Candidat(e)", x: left, y: y, size: 9, bold: true)
            page.text("\(c.nom.uppercased()) \(c.prenoms)", x: left + 130, y: y, size: 12, bold: true)
            y -= 15
            page.text("N° \(c.numero)" + (c.uaiOrigine.map { " — établissement d'origine \($0)" } ?? ""), x: left + 130, y: y, size: 9)
            y -= 24
            y = page.paragraph("est convoqué(e) à l'épreuve suivante :", x: left, y: y, width: right - left, size: 10) - 8
            let details = [("Épreuve", epreuve(c.epreuve)), ("Jour", FrenchFormat.jour(jour)),
                           ("Demi-journée", FrenchFormat.demiJournee(demiJournee)),
                           ("Heure", c.heure.flatMap(FrenchFormat.heure) ?? "début de la demi-journée, précisée par le centre"),
                           ("Centre d'épreuve", c.lieu), ("Salle", c.salle ?? "indiquée à l'accueil du centre")]
            for (label, value) in details {
                page.text(label, x: left, y: y, size: 9, bold: true)
                y = page.paragraph(value, x: left + 130, y: y, width: right - left - 130, size: 11) - 6
            }
            y -= 16
            page.paragraph("""
                Présentez-vous au centre d'épreuve à l'heure indiquée, muni(e) de cette convocation et d'une pièce \
                d'identité. Vous signerez la feuille d'émargement de la salle. Toute absence doit être justifiée auprès du \
                centre ; une absence non justifiée vaut zéro à l'épreuve.
                """, x: left, y: y, width: right - left, size: 9)
            page.line(x1: left, y1: PDF.Page.margin + 20, x2: right, y2: PDF.Page.margin + 20, lineWidth: 0.3)
            page.text("Convocation \(c.numero) — document émis par la plateforme ECE", x: left, y: PDF.Page.margin + 8, size: 7)
        }
        return try pdf.bytes()
    }

    // MARK: attendance sheet

    struct Creneau: Sendable {
        var key: CommissionKey
        var academie: String
        /// The centre as `Convoque.lieu` writes it.
        var lieu: String
        var jour: String
        var demiJournee: String
        var heure: String?
    }

    /// The slot, its rooms, and one line per candidate in alphabetical order — number, name, first
    /// names, school of origin, a box to sign — over as many pages as it takes, the header repeated.
    static func emargement(_ creneau: Creneau, _ convoques: [Convoque]) throws -> [UInt8] {
        let quand = "\(FrenchFormat.jour(creneau.jour)), \(FrenchFormat.demiJournee(creneau.demiJournee))"
            + (creneau.heure.flatMap(FrenchFormat.heure).map { ", \($0)" } ?? "")
        let pdf = try PDF(title: "Feuille d'émargement \(creneau.key.epreuve) \(creneau.key.centre) \(creneau.jour) \(creneau.demiJournee)")
        let salles = Set(convoques.compactMap(\.salle)).sorted()
        let colonnes: [(titre: String, x: Float)] = [("N°", left), ("Nom", left + 80), ("Prénoms", left + 200), ("Établissement", left + 310),
                                                     ("Signature", left + 390)]
        var page = try pdf.page()
        var y = page.entete(academie: creneau.academie, session: creneau.key.session, left: left, right: right, top: top) - 32
        page.text("FEUILLE D'ÉMARGEMENT", x: left, y: y, size: 18, bold: true)
        y -= 22
        for (label, value) in [("Épreuve", epreuve(creneau.key.epreuve)), ("Centre d'épreuve", creneau.lieu), ("Date", quand),
                               ("Salle(s)", salles.isEmpty ? "non attribuée" : salles.joined(separator: ", ")),
                               ("Candidats", "\(convoques.count)")] {
            page.text(label, x: left, y: y, size: 9, bold: true)
            y = page.paragraph(value, x: left + 110, y: y, width: right - left - 110, size: 10) - 3
        }
        y -= 10
        func entetes() {
            for colonne in colonnes { page.text(colonne.titre, x: colonne.x + 2, y: y, size: 9, bold: true) }
            y -= 6
            page.line(x1: left, y1: y, x2: right, y2: y, lineWidth: 0.8)
        }
        entetes()
        var numeroPage = 1
        for c in convoques {
            if y - 26 < PDF.Page.margin + 70 {
                page = try pdf.page()
                numeroPage += 1
                y = top
                page.text("Feuille d'émargement — \(creneau.key.epreuve) — \(quand) (suite, page \(numeroPage))", x: left, y: y, size: 10,
                          bold: true)
                y -= 24
                entetes()
            }
            y -= 26
            page.text(c.numero, x: colonnes[0].x + 2, y: y + 9, size: 9)
            page.text(c.nom.uppercased(), x: colonnes[1].x + 2, y: y + 9, size: 9)
            page.text(c.prenoms, x: colonnes[2].x + 2, y: y + 9, size: 9)
            page.text(c.uaiOrigine ?? "", x: colonnes[3].x + 2, y: y + 9, size: 9)
            page.box(x: colonnes[4].x, y: y + 2, width: right - colonnes[4].x, height: 22)
            page.line(x1: left, y1: y, x2: right, y2: y, lineWidth: 0.3)
        }
        if convoques.isEmpty { y -= 20; page.text("Aucun candidat placé dans ce créneau.", x: left, y: y, size: 10) }
        page.text("Présents : ........    Absents : ........    Signature du responsable de salle :", x: left, y: PDF.Page.margin + 30, size: 9)
        return try pdf.bytes()
    }
}
