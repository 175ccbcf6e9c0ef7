import Foundation
import Shared

/// The convocation the convoked person receives, as a page (HTML) and as an A4 PDF in the ministry's
/// layout, with — on the person's copy only — the one-time code that opens their account.
struct ConvocationDocument: Sendable {
    let convocation: Convocation
    /// Printed only on the person's copy (`exemplaire`): nil on every other.
    let code: String?
    /// Whether the reader is the authority that issued it (the others are told where the code is).
    let issuer: Bool
    /// The mission type's label in the regulation, when known.
    let typeMission: String?

    /// The copy a reader gets. The person's copy — the only one with the code — goes to the
    /// authority that issued the convocation (to hand over) while it stands, and to the person's own
    /// address by mail (`personne`); any other reader (another authority, the person signed in)
    /// gets a copy without it.
    static func exemplaire(_ c: Convocation, code: String, issuer: Bool, personne: Bool = false,
                           typeMission: String?) -> ConvocationDocument {
        ConvocationDocument(convocation: c, code: c.statut == "emise" && (issuer || personne) ? code : nil, issuer: issuer,
                            typeMission: typeMission)
    }

    // MARK: the words, shared by both forms

    private var m: Mission { convocation.mission }
    private var personne: String { "\(convocation.intervenant.prenom) \(convocation.intervenant.nom)" }
    private var epreuve: String { "\(EpreuvePratique(rawValue: m.epreuve)?.libelle ?? m.epreuve) (\(m.epreuve))" }
    private var centre: String { m.centre.map { "Centre d'épreuve \($0)" } ?? "Centre Santorin de l'académie \(m.academie)" }
    private var role: String {
        m.kind == .examinateur ? "examinateur ou examinatrice" : "coordinateur ou coordinatrice de la correction dématérialisée"
    }
    private var periode: String { "du \(FrenchFormat.date(m.dateDebut)) au \(FrenchFormat.date(m.dateFin))" }
    private var reference: String { convocation.id.uuidString.lowercased() }
    private var annulation: String? {
        convocation.statut == "annulee"
            ? "Convocation annulée le \(Self.day(convocation.annuleeLe)) : \(convocation.motifAnnulation ?? "")" : nil
    }
    private var details: [(String, String)] {
        [("Épreuve", epreuve), ("Mission", typeMission ?? m.typeMission), ("Centre de mission", centre), ("Période", periode),
         ("Référence", reference)]
    }
    // Fixed French text (safe as HTML as it stands).
    private static let accesConsigne = "Activez votre compte une seule fois, avant la première connexion, sur la page « Activer mon compte » de la plateforme ECE :"
    private static let accesPersonnel = "Ce code ne sert qu'une fois et reste personnel : ne le communiquez à personne."
    private static let accesValidite = """
        Il reste valable jusqu'à l'activation du compte, même si d'autres convocations vous parviennent \
        (chacune porte son propre code, n'importe lequel ouvre le compte), sauf si cette convocation est annulée.
        """
    private static let accesAilleurs = "Le code d'activation figure sur l'exemplaire de l'autorité qui a émis cette convocation."
    /// Whether a copy without the code says where the code is.
    private var renvoi: Bool { code == nil && convocation.statut == "emise" && !issuer }

    // MARK: HTML

    var html: String {
        let e = HTML.escape
        let annulee = annulation.map { "<p class=\"annulee\" role=\"alert\">\(e($0))</p>" } ?? ""
        let acces = code.map { code in
            """
            <h2>Accès à la plateforme</h2>
            <p>\(Self.accesConsigne)</p>
            <dl>
            <dt>Identifiant</dt><dd>\(e(convocation.intervenant.login))</dd>
            <dt>Code d'activation</dt><dd><span class="code">\(e(code))</span></dd>
            </dl>
            <p>\(Self.accesPersonnel)</p>
            <p>\(Self.accesValidite)</p>
            """
        } ?? (renvoi ? "<h2>Accès à la plateforme</h2><p>\(Self.accesAilleurs)</p>" : "")
        let observations = m.observations.isEmpty ? "" : "<h2>Observations</h2><p>\(e(m.observations))</p>"
        return """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <title>Convocation — \(e(personne)) — \(e(m.epreuve))</title>
            <style>
            @page { size: A4; margin: 2cm; }
            body { font-family: Marianne, Arial, sans-serif; color: #161616; max-width: 42rem; margin: 2rem auto; line-height: 1.5; }
            header { border-bottom: 2px solid #000091; margin-bottom: 1.5rem; }
            h1 { color: #000091; font-size: 1.6rem; }
            dl { display: grid; grid-template-columns: 14rem 1fr; gap: .3rem 1rem; }
            dt { font-weight: bold; }
            .code { font-family: monospace; font-size: 1.4rem; letter-spacing: .15rem; border: 2px dashed #000091; padding: .5rem 1rem; display: inline-block; }
            .annulee { color: #ce0500; font-weight: bold; border: 2px solid #ce0500; padding: .5rem; }
            </style>
            </head>
            <body>
            <header><p>République française — Ministère de l'Éducation nationale<br>Académie \(e(m.academie)) — Session \(m.session)</p></header>
            <main>
            <h1>Convocation</h1>
            \(annulee)
            <p>\(e(personne)) est convoqué(e) en qualité d'\(role) pour la mission suivante.</p>
            <dl>
            \(details.map { "<dt>\(e($0.0))</dt><dd>\(e($0.1))</dd>" }.joined(separator: "\n"))
            </dl>
            \(observations)
            \(acces)
            </main>
            </body>
            </html>
            """
    }

    // MARK: mail

    /// The mail to the person (their copy: the code is in it and in the attached PDF).
    func courriel(to adresse: String) throws -> Courriel {
        let corps = """
            Bonjour \(personne),

            Vous êtes convoqué(e) en qualité d'\(role) pour l'épreuve \(epreuve), session \(m.session) :
            \(centre), \(periode).\(m.observations.isEmpty ? "" : "\nObservations : \(m.observations)")

            Votre convocation est jointe à ce message (PDF, référence \(reference)).
            \(code.map { code in """

                Accès à la plateforme ECE
                \(Self.accesConsigne)
                Identifiant : \(convocation.intervenant.login)
                Code d'activation : \(code)

                \(Self.accesPersonnel)
                """ } ?? "")

            Message envoyé automatiquement par la plateforme ECE pour \(Perimetre.autorite(convocation.autorite)) : merci de ne pas y répondre.
            """
        return Courriel(destinataire: adresse, objet: "Convocation — baccalauréat \(m.session), épreuve \(m.epreuve)", corps: corps,
                        piecesJointes: [.init(nom: "convocation-\(reference).pdf", type: "application/pdf", contenu: try pdf())])
    }

    // MARK: PDF

    /// One A4 page: letterhead, the person, the mission, observations, the centre, the access (the
    /// code on the person's copy only), the signature block.
    func pdf() throws -> [UInt8] {
        let pdf = try PDF(title: "Convocation \(personne) \(m.epreuve)")
        let page = try pdf.page()
        let left = PDF.Page.margin + 16, right = PDF.Page.width - PDF.Page.margin - 16, width = right - left
        // Letterhead: the Republic and the ministry on the left, the académie and the session on the right.
        var y = page.entete(academie: m.academie, session: m.session, left: left, right: right, top: PDF.Page.height - PDF.Page.margin - 20)
        y -= 40

        page.text("CONVOCATION", x: left, y: y, size: 20, bold: true)
        y -= 18
        page.text("Épreuves pratiques du baccalauréat — évaluation des compétences expérimentales", x: left, y: y, size: 10)
        y -= 26
        if let annulation {
            page.box(x: left - 6, y: y - 8, width: width + 12, height: 24, lineWidth: 1.5)
            page.text(annulation, x: left, y: y, size: 11, bold: true)
            y -= 34
        }

        page.text("Destinataire", x: left, y: y, size: 9, bold: true)
        page.text(personne, x: left + 130, y: y, size: 12, bold: true)
        y -= 15
        page.text("Identifiant : \(convocation.intervenant.login)" + (convocation.intervenant.uai.map { " — établissement \($0)" } ?? ""),
                  x: left + 130, y: y, size: 9)
        y -= 24
        y = page.paragraph("est convoqué(e) en qualité d'\(role) pour la mission suivante :", x: left, y: y, width: width, size: 10) - 8
        for (label, value) in details {
            page.text(label, x: left, y: y, size: 9, bold: true)
            y = page.paragraph(value, x: left + 130, y: y, width: width - 130, size: 10) - 4
        }
        if !m.observations.isEmpty {
            y -= 10
            page.text("Observations", x: left, y: y, size: 9, bold: true)
            y = page.paragraph(m.observations, x: left + 130, y: y, width: width - 130, size: 10)
        }
        y -= 20

        if let code {
            let top = y + 12
            page.text("Accès à la plateforme", x: left, y: y, size: 11, bold: true)
            y = page.paragraph(Self.accesConsigne, x: left, y: y - 16, width: width, size: 9) - 6
            page.text("Identifiant", x: left, y: y, size: 9, bold: true)
            page.text(convocation.intervenant.login, x: left + 130, y: y, size: 11)
            y -= 20
            page.text("Code d'activation", x: left, y: y, size: 9, bold: true)
            page.text(code, x: left + 130, y: y, size: 16, bold: true)
            y -= 18
            y = page.paragraph(Self.accesPersonnel + " " + Self.accesValidite, x: left, y: y, width: width, size: 8)
            page.box(x: left - 8, y: y + 2, width: width + 16, height: top - y - 2, lineWidth: 1)
            y -= 16
        } else if renvoi {
            y = page.paragraph(Self.accesAilleurs, x: left, y: y, width: width, size: 9) - 16
        }

        // Signature block, bottom right: the issuing authority.
        let signature = max(PDF.Page.margin + 60, min(y - 10, 220))
        page.text("Fait le \(Self.day(convocation.emiseLe))", x: right - 220, y: signature, size: 10)
        let ecole = convocation.autorite.hasPrefix("uai:")
        page.text(ecole ? "Pour \(Perimetre.autorite(convocation.autorite))," : "Pour le recteur et par délégation,",
                  x: right - 220, y: signature - 16, size: 10)
        page.text(ecole ? "le chef d'établissement" : "la division des examens et concours", x: right - 220, y: signature - 30,
                  size: 10, bold: true)
        page.line(x1: left, y1: PDF.Page.margin + 20, x2: right, y2: PDF.Page.margin + 20, lineWidth: 0.3)
        page.text("Référence \(reference) — document émis par la plateforme ECE", x: left, y: PDF.Page.margin + 8, size: 7)
        return try pdf.bytes()
    }

    private static func day(_ date: Date?) -> String {
        guard let date else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.formatOptions = [.withFullDate]
        return FrenchFormat.date(formatter.string(from: date))
    }
}
