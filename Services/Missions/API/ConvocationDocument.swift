import Foundation
import Shared

/// The printable convocation (HTML, A4): what the convoked person receives, with the one-time code
/// that opens their account on the platform.
enum ConvocationDocument {
    /// `code` is nil once the convocation is cancelled (the page no longer opens an account) and for
    /// a reader who did not issue it (`issuer` false: the code is the issuer's to hand over).
    static func render(_ c: MissionRepository.Convocation, code: String?, issuer: Bool = true, typeMission: String?) -> String {
        let e = HTML.escape
        let m = c.mission
        let epreuve = EpreuvePratique(rawValue: m.epreuve)?.libelle ?? m.epreuve
        let centre = m.centre.map { "Centre d'épreuve \($0)" } ?? "Centre Santorin de l'académie \(m.academie)"
        let role = m.kind == .examinateur ? "examinateur ou examinatrice" : "coordinateur ou coordinatrice de la correction dématérialisée"
        let annulee = c.statut == "annulee"
            ? "<p class=\"annulee\" role=\"alert\">Convocation annulée le \(e(day(c.annuleeLe))) : \(e(c.motifAnnulation ?? ""))</p>" : ""
        let acces = code.map { code in
            """
            <h2>Accès à la plateforme</h2>
            <p>Activez votre compte une seule fois, avant la première connexion, sur la page « Activer mon compte » de la plateforme ECE :</p>
            <dl>
            <dt>Identifiant</dt><dd>\(e(c.intervenant.login))</dd>
            <dt>Code d'activation</dt><dd><span class="code">\(e(code))</span></dd>
            </dl>
            <p>Ce code ne sert qu'une fois et reste personnel : ne le communiquez à personne.</p>
            <p>Il reste valable jusqu'à l'activation du compte, même si d'autres convocations vous parviennent
            (chacune porte son propre code, n'importe lequel ouvre le compte), sauf si cette convocation est annulée.</p>
            """
        } ?? (c.statut == "emise" && !issuer
            ? "<h2>Accès à la plateforme</h2><p>Le code d'activation figure sur l'exemplaire de l'autorité qui a émis cette convocation.</p>"
            : "")
        let observations = m.observations.isEmpty ? "" : "<h2>Observations</h2><p>\(e(m.observations))</p>"
        return """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <title>Convocation — \(e(c.intervenant.prenom)) \(e(c.intervenant.nom)) — \(e(m.epreuve))</title>
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
            <p>\(e(c.intervenant.prenom)) \(e(c.intervenant.nom)) est convoqué(e) en qualité d'\(role) pour la mission suivante.</p>
            <dl>
            <dt>Épreuve</dt><dd>\(e(epreuve)) (\(e(m.epreuve)))</dd>
            <dt>Mission</dt><dd>\(e(typeMission ?? m.typeMission))</dd>
            <dt>Centre de mission</dt><dd>\(e(centre))</dd>
            <dt>Période</dt><dd>du \(e(FrenchFormat.date(m.dateDebut))) au \(e(FrenchFormat.date(m.dateFin)))</dd>
            <dt>Référence</dt><dd>\(c.id.uuidString.lowercased())</dd>
            </dl>
            \(observations)
            \(acces)
            </main>
            </body>
            </html>
            """
    }

    private static func day(_ date: Date?) -> String {
        guard let date else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.formatOptions = [.withFullDate]
        return FrenchFormat.date(formatter.string(from: date))
    }
}
