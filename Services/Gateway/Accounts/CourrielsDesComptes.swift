import Foundation
import Shared

/// The gateway's mail, in French, to the account's owner only: the link that sets a password (a new
/// account's first one, or a forgotten one) and a re-issued activation code.
enum CourrielsDesComptes {
    static func lien(_ account: Account, adresse: String, url: String, creation: Bool, validite: Duration) -> Courriel {
        let heures = Int(validite.components.seconds / 3600)
        let duree = heures >= 2 ? "\(heures) heures" : "\(max(1, Int(validite.components.seconds / 60))) minutes"
        let raison = creation
            ? "Un compte a été ouvert pour vous sur la plateforme des épreuves pratiques (ECE)."
            : "Vous avez demandé à choisir un nouveau mot de passe sur la plateforme des épreuves pratiques (ECE)."
        return Courriel(destinataire: adresse, objet: creation ? "Votre compte ECE : choisissez votre mot de passe"
                                                            : "ECE : choisir un nouveau mot de passe", corps: """
            Bonjour \(account.displayName),

            \(raison)
            Identifiant : \(account.login)

            Pour choisir votre mot de passe, ouvrez ce lien (valable \(duree), une seule fois) :
            \(url)

            Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe
            actuel reste valable.

            -- 
            Plateforme ECE — message automatique, merci de ne pas y répondre.
            """)
    }

    static func code(_ account: Account, adresse: String, code: String, connexion: String) -> Courriel {
        Courriel(destinataire: adresse, objet: "ECE : votre nouveau code d'activation", corps: """
            Bonjour \(account.displayName),

            Voici un nouveau code d'activation ; celui de votre convocation reste valable.
            Identifiant : \(account.login)
            Code d'activation : \(code)

            Activez votre compte ici : \(connexion)

            Si vous n'êtes pas à l'origine de cette demande, prévenez le gestionnaire de votre académie.

            -- 
            Plateforme ECE — message automatique, merci de ne pas y répondre.
            """)
    }
}
