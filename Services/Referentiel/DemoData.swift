import Foundation
import Logging
import PostgresNIO
import Shared

/// Realistic demo subjects and barèmes for the five exams (session 2027), validated and published
/// through the same repository rules as the API. Idempotent: existing codes are left alone.
enum DemoData {
    static let session = 2027
    /// The demo plays the exam day now: its subjects are visible from the moment they are seeded
    /// (real subjects stay under embargo until their first morning).
    static var visibleFrom: Date { Date() }

    static func niveaux(_ items: [(String, String, String?, Int)]) -> [Critere] {
        items.map { Critere(code: $0.0, libelle: $0.1, partie: $0.2, poids: $0.3, echelle: .niveaux(ValeursNiveaux())) }
    }

    static let physiqueChimie = Bareme(
        criteres: niveaux([("APP", "S'approprier", nil, 2), ("ANA", "Analyser / raisonner", nil, 4),
                           ("REA", "Réaliser", nil, 8), ("VAL", "Valider", nil, 4), ("COM", "Communiquer", nil, 2)]),
        appels: [Appel(code: "APPEL1", libelle: "Présenter la démarche expérimentale"),
                 Appel(code: "APPEL2", libelle: "Présenter les résultats de la mesure")])
    static let svt = Bareme(
        criteres: niveaux([("STR", "Concevoir une stratégie de résolution", "A", 5),
                           ("PRO", "Mettre en œuvre un protocole", "A", 5),
                           ("COM", "Communiquer les résultats", "B", 5),
                           ("INT", "Interpréter et porter un regard critique", "B", 5)]),
        appels: [Appel(code: "APPEL1", libelle: "Proposer une stratégie"), Appel(code: "APPEL2", libelle: "Montrer le résultat")])
    static let nsi = Bareme(criteres: [
        Critere(code: "EX1", libelle: "Écrire un algorithme", partie: "exercice 1", poids: 10, echelle: .points),
        Critere(code: "EX2", libelle: "Compléter un programme", partie: "exercice 2", poids: 10, echelle: .points),
    ])
    static let stl = Bareme(
        criteres: niveaux([("APP", "S'approprier", nil, 2), ("ANA", "Analyser", nil, 3), ("REA", "Réaliser", nil, 7),
                           ("VAL", "Valider", nil, 3), ("COM", "Communiquer", nil, 2),
                           ("AUT", "Être autonome, faire preuve d'initiative", nil, 3)]),
        appels: [Appel(code: "APPEL1", libelle: "Valider le protocole"), Appel(code: "APPEL2", libelle: "Présenter les résultats")])

    static let sujets: [(SujetInput, Bareme)] = [
        (SujetInput(epreuve: "T011B", session: session, code: "PC-201", titre: "Dosage spectrophotométrique d'un colorant alimentaire",
                    dominante: "chimie", materiel: ["spectrophotomètre", "fioles jaugées", "solution de bleu patenté"]), physiqueChimie),
        (SujetInput(epreuve: "T011B", session: session, code: "PC-202", titre: "Titrage d'un vinaigre par suivi pH-métrique",
                    dominante: "chimie", materiel: ["pH-mètre", "burette", "soude 0,1 mol/L"]), physiqueChimie),
        (SujetInput(epreuve: "T011B", session: session, code: "PC-203", titre: "Synthèse d'un ester à odeur de banane",
                    dominante: "chimie", materiel: ["montage à reflux", "ampoule à décanter"]), physiqueChimie),
        (SujetInput(epreuve: "T011B", session: session, code: "PC-301", titre: "Mesure de la célérité des ultrasons",
                    dominante: "physique", materiel: ["émetteur et récepteur ultrasons", "oscilloscope"]), physiqueChimie),
        (SujetInput(epreuve: "T011B", session: session, code: "PC-302", titre: "Chute d'une balle et conservation de l'énergie",
                    dominante: "physique", materiel: ["balle", "smartphone", "logiciel de pointage"]), physiqueChimie),
        (SujetInput(epreuve: "T012B", session: session, code: "SVT-101", titre: "Activité enzymatique de l'amylase salivaire",
                    dominante: nil, materiel: ["empois d'amidon", "eau iodée", "bain-marie"]), svt),
        (SujetInput(epreuve: "T012B", session: session, code: "SVT-102", titre: "Observation de lames minces de roches magmatiques",
                    dominante: nil, materiel: ["microscope polarisant", "lames minces"]), svt),
        (SujetInput(epreuve: "T010B", session: session, code: "NSI-24-01", titre: "Recherche dichotomique et tri par insertion",
                    dominante: nil, materiel: ["poste avec Python 3"]), nsi),
        (SujetInput(epreuve: "T010B", session: session, code: "NSI-24-02", titre: "Parcours d'arbre binaire",
                    dominante: nil, materiel: ["poste avec Python 3"]), nsi),
        (SujetInput(epreuve: "T029B", session: session, code: "BIO-01", titre: "Dénombrement de micro-organismes dans un lait",
                    dominante: nil, materiel: ["hotte", "boîtes de Petri", "étuve 37 °C"]), stl),
        (SujetInput(epreuve: "T030B", session: session, code: "SPCL-01", titre: "Synthèse et purification de l'aspirine",
                    dominante: "chimie", materiel: ["montage à reflux", "banc Kofler"]), stl),
        (SujetInput(epreuve: "T030B", session: session, code: "SPCL-02", titre: "Étude d'un circuit RC",
                    dominante: "physique", materiel: ["GBF", "oscilloscope", "condensateur"]), stl),
    ]

    static func seed(_ sujets: SujetRepository) async throws {
        let epreuves = try await sujets.epreuves()
        for (input, bareme) in Self.sujets {
            precondition(input.violations(epreuves: epreuves).isEmpty && bareme.validate().isEmpty, "demo data \(input.code)")
            guard let id = try await sujets.create(input) else {
                print("  \(input.code) exists")
                continue
            }
            try await sujets.putDocument(id, nature: .sujet, nom: "\(input.code).pdf", bytes: DemoPDF.make(input.titre))
            try await sujets.putDocument(id, nature: .examinateur, nom: "\(input.code)-examinateur.pdf",
                                         bytes: DemoPDF.make("\(input.titre) — fiche examinateur"))
            _ = try await sujets.saveBareme(id, bareme)
            let problems = try await sujets.validate(id)
            precondition(problems.isEmpty, "\(problems)")
            try await sujets.publish(id, visibleFrom: visibleFrom, correlationId: "demo-\(input.code)")
            print("  \(input.epreuve) \(input.code) published: \(input.titre)")
        }
    }
}

/// A one-page PDF with a title, for demo subjects (the product's own PDFs use libharu).
enum DemoPDF {
    static func make(_ title: String) -> [UInt8] {
        let text = title.unicodeScalars.map { $0.isASCII ? String($0) : "?" }.joined()
            .replacingOccurrences(of: "(", with: "[").replacingOccurrences(of: ")", with: "]")
        let stream = "BT /F1 14 Tf 50 780 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(pdf.utf8)
    }
}
