import Foundation
import Shared

/// The evaluation sheet (fiche d'évaluation) of one candidate, one A4 page: the exam, the subject (a
/// blank line before the draw), the barème grid with a box per level, the appels, room for comments,
/// the mark, and a QR code that opens the candidate's page in the grading editor. Blank, it is the
/// paper fallback printed before the exam day; filled, it is the record exported after closing.
enum FicheDocument {
    struct Feuille: Sendable {
        var fiche: Fiche
        /// The criteria to print: the subject's barème once drawn, else those of the slot's subjects;
        /// none of a subject under embargo (the sheet then leaves blank rows to write them).
        var criteres: [Critere]
        /// The subject's appels once drawn; nil before (lines are left to write them).
        var appels: [Appel]?
        /// Where the QR code leads.
        var lien: String
        var creneau: String?
    }

    static func pdf(_ feuilles: [Feuille], title: String) throws -> [UInt8] {
        let pdf = try PDF(title: title)
        for feuille in feuilles { try draw(feuille, on: pdf) }
        return try pdf.bytes()
    }

    private static func draw(_ f: Feuille, on pdf: PDF) throws {
        let fiche = f.fiche
        let m = PDF.Page.margin, right = PDF.Page.width - m
        var page = try pdf.page()
        var y = PDF.Page.height - m - 14
        /// A long sheet (many criteria, long comments) goes on over continuation pages.
        func room(_ height: Float) throws {
            guard y - height < m + 50 else { return }
            page = try pdf.page()
            y = PDF.Page.height - m - 14
            page.text("\(fiche.nom.uppercased()) \(fiche.prenoms) — n° \(fiche.numero) (suite)", x: m, y: y, size: 10, bold: true)
            y -= 28
        }
        let epreuve = EpreuvePratique(rawValue: fiche.epreuve)?.libelle ?? fiche.epreuve
        page.text("Fiche d'évaluation — \(epreuve)", x: m, y: y, size: 14, bold: true)
        y -= 18
        page.text("Session \(fiche.session) — épreuve \(fiche.epreuve) — centre d'épreuve \(fiche.centre)"
                  + (f.creneau.map { " — \($0)" } ?? ""), x: m, y: y, size: 9)
        page.qrCode(f.lien, x: right - 78, y: PDF.Page.height - m - 78, size: 78)
        y -= 24
        page.text("Candidat", x: m, y: y, size: 9, bold: true)
        page.text("\(fiche.nom.uppercased()) \(fiche.prenoms)", x: m + 70, y: y, size: 11, bold: true)
        y -= 14
        page.text("N° \(fiche.numero)" + (fiche.division.map { " — division \($0)" } ?? ""), x: m + 70, y: y, size: 9)
        y -= 22
        page.text("Sujet", x: m, y: y, size: 9, bold: true)
        if let sujet = fiche.sujet, let titre = sujet.titre {
            page.paragraph("\(sujet.code) — \(titre)", x: m + 70, y: y, width: right - m - 160, size: 10)
        } else {
            page.line(x1: m + 70, y1: y - 2, x2: right - 90, y2: y - 2)
        }
        y -= 30

        // The grid: criterion, weight, one box per level (or the points), the aids.
        page.text("Compétences", x: m, y: y, size: 10, bold: true)
        let levelsX = right - 190
        for (i, niveau) in ["A", "B", "C", "D"].enumerated() {
            page.text(niveau, x: levelsX + Float(i) * 28 + 5, y: y, size: 10, bold: true)
        }
        page.text("Aide m / M", x: right - 70, y: y, size: 8, bold: true)
        y -= 6
        for critere in f.criteres {
            try room(30)
            y -= 24
            page.line(x1: m, y1: y + 20, x2: right, y2: y + 20, lineWidth: 0.3)
            page.text("\(critere.code) — \(critere.libelle)", x: m, y: y + 6, size: 9)
            page.text(fiche.bareme == nil ? "" : "/ \(critere.poids)", x: levelsX - 34, y: y + 6, size: 8)
            let saisie = fiche.grille.evaluations.first { $0.code == critere.code }
            switch critere.echelle {
            case .niveaux:
                for (i, niveau) in Niveau.allCases.enumerated() {
                    let x = levelsX + Float(i) * 28
                    page.box(x: x, y: y + 2, width: 14, height: 14)
                    if case .niveau(let given)? = saisie?.evaluation, given == niveau {
                        page.box(x: x + 3, y: y + 5, width: 8, height: 8, filled: true)
                    }
                }
            case .points:
                if case .points(let demiPoints)? = saisie?.evaluation {
                    page.text(FrenchFormat.note(demiPoints) + " points", x: levelsX, y: y + 6, size: 10, bold: true)
                } else {
                    page.text("........ points", x: levelsX, y: y + 6, size: 10)
                }
            }
            let aides = fiche.grille.aides.filter { $0.critere == critere.code }.map(\.aide)
            for (i, aide) in [Aide.mineure, .majeure].enumerated() {
                let x = right - 66 + Float(i) * 26
                page.box(x: x, y: y + 2, width: 12, height: 12)
                if aides.contains(aide) { page.box(x: x + 3, y: y + 5, width: 6, height: 6, filled: true) }
            }
            if let commentaire = fiche.grille.commentaires[critere.code], !commentaire.isEmpty {
                for paragraphe in commentaire.split(separator: "\n") {
                    try room(12)
                    y = page.paragraph(String(paragraphe), x: m + 12, y: y - 6, width: levelsX - m - 60, size: 8) + 4
                }
            }
        }
        if f.criteres.isEmpty {
            for _ in 0..<5 {
                y -= 24
                page.line(x1: m, y1: y + 20, x2: right, y2: y + 20, lineWidth: 0.3)
                page.line(x1: m, y1: y + 4, x2: levelsX - 40, y2: y + 4, lineWidth: 0.3)
                for i in 0..<4 { page.box(x: levelsX + Float(i) * 28, y: y + 2, width: 14, height: 14) }
                for i in 0..<2 { page.box(x: right - 66 + Float(i) * 26, y: y + 2, width: 12, height: 12) }
            }
        }
        y -= 26

        // The appels: a box and the time each was made (blank lines before the draw).
        try room(80)
        page.text("Appels", x: m, y: y, size: 10, bold: true)
        for appel in f.appels ?? [] {
            try room(20)
            y -= 18
            page.box(x: m, y: y - 2, width: 12, height: 12)
            let fait = fiche.grille.appels.first { $0.code == appel.code }
            if fait != nil { page.box(x: m + 3, y: y + 1, width: 6, height: 6, filled: true) }
            page.text("\(appel.code) — \(appel.libelle)", x: m + 20, y: y, size: 9)
            page.text("à " + (fait.map { heure($0.heure) } ?? "....h...."), x: right - 70, y: y, size: 9)
        }
        if f.appels == nil {
            for _ in 0..<3 {
                y -= 18
                page.box(x: m, y: y - 2, width: 12, height: 12)
                page.line(x1: m + 20, y1: y - 2, x2: right - 90, y2: y - 2, lineWidth: 0.3)
                page.text("à ....h....", x: right - 70, y: y, size: 9)
            }
        }
        y -= 26

        // Comments, the mark, the absence.
        try room(110)
        page.text("Commentaire", x: m, y: y, size: 10, bold: true)
        if let commentaire = fiche.grille.commentaire, !commentaire.isEmpty {
            y -= 6
            for paragraphe in commentaire.split(separator: "\n") {
                try room(14)
                y = page.paragraph(String(paragraphe), x: m, y: y - 10, width: right - m, size: 9)
            }
            y -= 20
        } else {
            for _ in 0..<4 {
                y -= 20
                page.line(x1: m, y1: y, x2: right, y2: y, lineWidth: 0.3)
            }
            y -= 26
        }
        let suggeree = fiche.noteSuggeree.map(FrenchFormat.note) ?? "........"
        let finale = fiche.noteFinale.map(FrenchFormat.note) ?? "........"
        page.text("Note proposée : \(suggeree) / 20", x: m, y: y, size: 11)
        page.text("Note retenue : \(finale) / 20", x: m + 220, y: y, size: 11, bold: true)
        y -= 16
        if let motif = fiche.motifAjustement {
            try room(40)
            y = page.paragraph("Motif de l'ajustement : \(motif.replacingOccurrences(of: "\n", with: " "))", x: m, y: y,
                               width: right - m, size: 9) - 4
        }
        try room(20)
        page.box(x: m, y: y - 3, width: 11, height: 11)
        if fiche.absence == "injustifiee" { page.box(x: m + 3, y: y, width: 5, height: 5, filled: true) }
        page.text("Absent (non justifié : 0)", x: m + 16, y: y, size: 9)
        page.box(x: m + 200, y: y - 3, width: 11, height: 11)
        if fiche.absence == "justifiee" { page.box(x: m + 203, y: y, width: 5, height: 5, filled: true) }
        page.text("Absence justifiée", x: m + 216, y: y, size: 9)

        page.text("Examinateur : ..................................................    Signature :", x: m, y: m + 30, size: 9)
        page.text("Saisie différée : scanner le code pour ouvrir la fiche dans l'éditeur de correction (version \(fiche.version)).",
                  x: m, y: m + 10, size: 7)
    }

    private static func heure(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02dh%02d", c.hour ?? 0, c.minute ?? 0)
    }
}
