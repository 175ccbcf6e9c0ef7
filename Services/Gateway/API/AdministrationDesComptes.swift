import ECEAPIClient
import Foundation
import Hummingbird
import Logging
import Shared

/// The accounts (the API's `GatewayAPI`, Comptes.swift, and the web pages): the accounts of the caller's perimeter (`GestionDesComptes`), listed, created
/// (the owner chooses the password through a mailed link), changed, disabled and enabled. A
/// school's or centre's account takes its académie from Cyclades' directory, asked with the
/// caller's own token: an account exists only for a school the directory knows.
struct AdministrationDesComptes: Sendable {
    let accounts: AccountRepository
    let auth: Authentification
    let services: ServiceCall

    struct CompteVue: ResponseEncodable {
        var id: UUID
        var login: String
        var nom: String
        var role: Role
        var scope: Scope
        var email: String?
        var academie: String?
        /// `actif`, `en_attente` (no password chosen yet) or `desactive`.
        var etat: String
        var derniereConnexion: Date?
        var avis: String?

        init(_ account: Account, avis: String? = nil) {
            (id, login, nom, role, scope, email, academie) =
                (account.id, account.login, account.displayName, account.role, account.scope, account.email, account.academie)
            etat = account.disabled ? "desactive" : account.passwordHash == nil ? "en_attente" : "actif"
            derniereConnexion = account.lastSignInAt
            self.avis = avis
        }
    }

    struct Liste: ResponseEncodable {
        var items: [CompteVue]
        var page: Int
        var perPage: Int
        var total: Int
        /// The roles the caller may give a new account.
        var creables: [Role]
    }

    // MARK: the calls, for the API and the pages alike (`caller`, and the token that asks the directory)

    func liste(_ caller: Identity, role: Role?, recherche: String, page: Int, perPage: Int) async throws -> Liste {
        guard let perimetre = GestionDesComptes.perimetre(caller) else {
            throw Problem.forbidden("gestion des comptes : administrateur, gestionnaire d'académie ou établissement / accounts: admin, gestionnaire or school")
        }
        guard (1...100_000).contains(page), (1...200).contains(perPage), recherche.count <= 100 else {
            throw Problem.validation([.init(field: "page", reason: "page ≥ 1, perPage 1…200, q ≤ 100 caractères")])
        }
        let (items, total) = try await accounts.list(perimetre, role: role, recherche: recherche, page: page, perPage: perPage)
        return Liste(items: items.map { CompteVue($0) }, page: page, perPage: perPage, total: total,
                     creables: GestionDesComptes.creables(par: caller))
    }

    struct NouveauCompte: Decodable {
        var login: String
        var nom: String
        var role: String
        var scope: String
        var email: String
    }

    func creer(_ body: NouveauCompte, caller: Identity, token: String, logger: Logger) async throws -> CompteVue {
        try await enService(caller)
        let login = body.login.trimmingCharacters(in: .whitespaces)
        var errors: [Problem.FieldError] = []
        if !(3...64).contains(login.count) || !login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            errors.append(.init(field: "login", reason: "3 à 64 lettres, chiffres, « . », « _ » ou « - » / 3 to 64 letters, digits, . _ -"))
        }
        let nom = Self.nom(body.nom, &errors)
        let email = Courriel.adresse(body.email)
        if email == nil { errors.append(.init(field: "email", reason: "adresse électronique invalide / invalid address")) }
        let role = Role(rawValue: body.role)
        if role == nil { errors.append(.init(field: "role", reason: "rôle inconnu / unknown role")) }
        let scope = Scope(body.scope.trimmingCharacters(in: .whitespaces).uppercasedUAI)
        if scope == nil || role.map({ !scope!.fits($0) }) == true {
            errors.append(.init(field: "scope", reason: "périmètre qui ne convient pas au rôle / scope does not fit the role"))
        }
        guard errors.isEmpty, let role, let scope, let email else { throw Problem.validation(errors) }
        let academie = try await academie(of: scope, role: role, token: token)
        guard GestionDesComptes.peutAttribuer(caller, role: role, scope: scope, academie: academie) else {
            throw Problem.forbidden("ce rôle ou ce périmètre n'est pas de votre ressort / role or scope outside your perimeter")
        }
        let account = Account(id: UUID(), login: login, displayName: nom, role: role, scope: scope, passwordHash: nil, disabled: false,
                              email: email, academie: academie)
        let token = Secrets.token()
        let validite = auth.policy.creationLinkLifetime
        let mail = CourrielsDesComptes.lien(account, adresse: email, url: "\(auth.publicURL)/mot-de-passe?jeton=\(token)",
                                            creation: true, validite: validite)
        guard try await accounts.create(account, link: token, expiresIn: validite, mail: mail) else {
            throw Problem.conflict(.doublon, "identifiant déjà pris / login taken: \(login)")
        }
        logger.notice("account created", metadata: ["login": "\(login)", "role": "\(role.rawValue)", "scope": "\(scope)",
                                                    "by": "\(caller.login)"])
        return CompteVue(account, avis: "Un courriel avec le lien qui choisit le mot de passe part vers \(email).")
    }

    func compte(_ id: UUID, caller: Identity) async throws -> Account {
        // Another perimeter's account is not found: its existence is not the caller's business.
        guard let account = try await accounts.find(id: id), GestionDesComptes.garde(caller, account) else {
            throw Problem.notFound("compte")
        }
        return account
    }

    struct Modification: Decodable {
        var nom: String?
        var email: String?
        var scope: String?
        var actif: Bool?
    }

    func modifier(_ id: UUID, _ body: Modification, caller: Identity, token: String, logger: Logger) async throws -> CompteVue {
        try await enService(caller)
        let account = try await compte(id, caller: caller)
        let champs = body.nom != nil || body.email != nil || body.scope != nil
        guard champs || body.actif != nil else {
            throw Problem.validation([.init(field: "nom", reason: "rien à modifier (nom, email, scope, actif) / nothing to change")])
        }
        switch GestionDesComptes.changement(par: caller, de: account) {
        case .tout: break
        case .etatSeulement where !champs: break
        case .etatSeulement:
            throw Problem.forbidden("seul l'état de ce compte est de votre ressort (son adresse vient d'Imag'In) / only its state is yours to change")
        case .rien:
            throw Problem.forbidden("ce compte n'est pas de votre ressort à modifier / not yours to change")
        }
        var errors: [Problem.FieldError] = []
        let nom = body.nom.map { Self.nom($0, &errors) }
        let email = body.email.map { Courriel.adresse($0) }
        if email == .some(nil) { errors.append(.init(field: "email", reason: "adresse électronique invalide / invalid address")) }
        let scope = body.scope.map { Scope($0.trimmingCharacters(in: .whitespaces).uppercasedUAI) }
        if scope == .some(nil) { errors.append(.init(field: "scope", reason: "national, academie:<code> ou uai:<UAI>")) }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        var perimetre: (Scope, String?)?
        if let scope = scope ?? nil, scope != account.scope {
            let academie = try await academie(of: scope, role: account.role, token: token)
            guard GestionDesComptes.peutAttribuer(caller, role: account.role, scope: scope, academie: academie) else {
                throw Problem.forbidden("ce périmètre n'est pas de votre ressort pour ce rôle / scope outside your perimeter for this role")
            }
            perimetre = (scope, academie)
        }
        guard let changed = try await accounts.update(account.id, displayName: nom, email: email ?? nil, perimetre: perimetre,
                                                      disabled: body.actif.map { !$0 }, by: caller.role)
        else { throw Problem.notFound("compte") }
        logger.notice("account changed", metadata: ["login": "\(changed.login)", "by": "\(caller.login)", "disabled": "\(changed.disabled)",
                                                    "scope": "\(changed.scope)", "email": "\(email.map { _ in changed.email ?? "" } ?? "(unchanged)")"])
        return CompteVue(changed)
    }

    /// A caller whose account was disabled keeps its access token a few minutes: it changes nothing here meanwhile.
    private func enService(_ caller: Identity) async throws {
        if let account = try await accounts.find(id: caller.userId), account.disabled {
            throw Problem.forbidden("compte désactivé / disabled account")
        }
    }

    /// The académie of a scope: an académie's own (it must exist), a school's from the directory
    /// (it must be there; a centre's account needs a centre d'épreuve), none for the national scope.
    func academie(of scope: Scope, role: Role, token: String) async throws -> String? {
        switch scope {
        case .national: return nil
        case .academie(let code):
            guard let academies = try await annuaire(token: token, { try await $0.listerAcademies().ok.body.json.items ?? [] }),
                  academies.contains(where: { $0.code == code })
            else { throw Problem.validation([.init(field: "scope", reason: "académie inconnue / unknown académie: \(code)")]) }
            return code
        case .etablissement(let uai):
            guard let fiche = try await annuaire(token: token, { try await $0.lireEtablissement(path: .init(uai: uai)).ok.body.json }) else {
                throw Problem.validation([.init(field: "scope", reason: "établissement inconnu de l'annuaire / unknown school: \(uai)")])
            }
            if role == .centre, fiche.centre == nil {
                throw Problem.validation([.init(field: "scope", reason: "\(uai) n'est pas un centre d'épreuve / not a centre d'épreuve")])
            }
            guard let academie = fiche.etablissement?.academie else { throw Self.annuaireRefuse("sans académie / without an académie") }
            return academie
        }
    }

    /// A read of Cyclades' directory with the caller's token; nil when it answers 404. Its outage is
    /// thrown as such; another refusal, or an answer that is not the API's, is the directory's refusal.
    private func annuaire<T>(token: String, _ lecture: (Client) async throws -> T) async throws -> T? {
        do {
            return try await lecture(services.client(token: token, timeout: .seconds(10)))
        } catch {
            switch Problem.of(error) {
            case (let problem, true)? where problem.status == .notFound: return nil
            case (let problem, true)?: throw Self.annuaireRefuse("\(problem.status.code)")
            case (let problem, false)?: throw problem
            case nil: throw Self.annuaireRefuse("réponse illisible / unreadable answer")
            }
        }
    }

    private static func annuaireRefuse(_ raison: String) -> Problem {
        Problem.serviceUnavailable("l'annuaire (Cyclades) a refusé la lecture / the directory refused (\(raison))")
    }

    private static func nom(_ text: String, _ errors: inout [Problem.FieldError]) -> String {
        let nom = text.trimmingCharacters(in: .whitespaces)
        if !(1...100).contains(nom.count) || nom.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            errors.append(.init(field: "nom", reason: "1 à 100 caractères / 1 to 100 characters"))
        }
        return nom
    }

}

extension String {
    /// `uai:0251080n` → `uai:0251080N`: a UAI's check letter is a capital.
    var uppercasedUAI: String { hasPrefix("uai:") ? "uai:" + dropFirst(4).uppercased() : self }
}
