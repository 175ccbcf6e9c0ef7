import Foundation
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// One candidate, for the gestionnaire of their académie (road map: « corriger un candidat »): their
/// identity corrected with the import's rules, a registration set « dispensé » or « absent justifié »
/// before the exam, taken out of its centre, or removed. Cyclades keeps the perimeter: each form is
/// one API call with the user's token, and a refusal comes back as the page's message.
extension WebController {
    func addCandidatRoutes(to router: Router<ECERequestContext>) {
        router.get("/inscriptions/candidats/:numero", use: candidat)
        router.post("/inscriptions/candidats/:numero", use: corrigerCandidat)
        router.post("/inscriptions/candidats/:numero/statut", use: statutInscription)
        router.post("/inscriptions/candidats/:numero/desaffectation", use: desaffecter)
        router.post("/inscriptions/candidats/:numero/desinscription", use: desinscrire)
    }

    /// A candidate number's shape (1 to 20 letters and digits) before it goes into a path; "-" (unknown
    /// to Cyclades, so refused there) otherwise.
    static func numeroCandidat(_ context: ECERequestContext) -> String {
        let numero = context.parameters.get("numero") ?? ""
        return (1...20).contains(numero.count) && numero.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? numero : "-"
    }

    /// The statuses a gestionnaire sets before the exam (the results come from the correction).
    static let statutsAvantEpreuve = ["inscrit": "inscrit", "dispense": "dispensé", "absent_justifie": "absent (absence justifiée)"]

    static func statutInscription(_ code: String) -> String {
        statutsAvantEpreuve[code] ?? ["absent_injustifie": "absent (absence non justifiée)", "note": "noté"][code] ?? code
    }

    @Sendable func candidat(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            guard session.identity.role == .gestionnaire else {
                throw Problem.forbidden("page du gestionnaire de l'académie / the académie's gestionnaire only")
            }
            let c = try await client(session).lireCandidat(path: .init(annee: Self.sessionCourante, numero: Self.numeroCandidat(context)))
                .ok.body.json
            let (epreuves, centres, statuts) = (c.epreuves ?? [], c.centres ?? [], (c.statuts ?? []).map(\.rawValue))
            let noms = await nomsEtablissements(session)
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            struct Inscription { var epreuve: String; var libelle: String; var centre: String; var affecte: Bool; var statut: String
                var statuts: [Choix] }
            let inscriptions = epreuves.indices.map { i in
                let statut = i < statuts.count ? statuts[i] : "inscrit"
                let centre = i < centres.count ? centres[i] : ""
                return Inscription(
                    epreuve: epreuves[i], libelle: EpreuvePratique(rawValue: epreuves[i])?.libelle ?? "",
                    centre: centre.isEmpty ? "non affecté" : Libelle.etablissement(centre, noms), affecte: !centre.isEmpty,
                    statut: Self.statutInscription(statut),
                    statuts: ["inscrit", "dispense", "absent_justifie"].map {
                        Choix(code: $0, libelle: Self.statutsAvantEpreuve[$0] ?? $0, choisie: $0 == statut)
                    })
            }
            let object: [String: Any] = [
                "numero": c.numero ?? "", "nom": c.nom ?? "", "prenoms": c.prenoms ?? "", "naissance": c.naissance ?? "", "uai": c.uai ?? "",
                "division": c.division ?? "", "origine": c.uai.map { Libelle.etablissement($0, noms) } ?? "—",
                "categories": ["scolaire", "individuel", "cned", "morea"].map {
                    Choix(code: $0, libelle: Libelle.categorie($0), choisie: $0 == c.categorie?.rawValue)
                },
                "filieres": ["BCG", "BTN"].map { Choix(code: $0, libelle: $0, choisie: $0 == c.filiere?.rawValue) },
                "inscriptions": inscriptions,
            ]
            return page("candidat", titre: "Candidat \(c.numero ?? "")", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func corrigerCandidat(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let numero = Self.numeroCandidat(context)
        func optionnel(_ key: String) -> String? { form[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        return try await formulaire(request, context, retour: "/inscriptions/candidats/\(numero)",
                                    success: "Identité du candidat \(numero) corrigée.", refus: "Rien n'a changé, correction refusée") {
            let identite = ECEAPI.Components.Schemas.IdentiteCandidat(
                nom: form["nom"] ?? "", prenoms: form["prenoms"] ?? "", naissance: form["naissance"] ?? "",
                categorie: try Self.choix(form["categorie"], "categorie"), uai: optionnel("uai")?.uppercased(), division: optionnel("division"),
                filiere: try Self.choix(form["filiere"], "filiere"))
            _ = try await $0.modifierCandidat(path: .init(annee: Self.sessionCourante, numero: numero), body: .json(identite)).ok
            return nil
        }
    }

    /// The exam a form names, checked before it goes into a path.
    private static func epreuve(_ form: [String: String]) -> String {
        EpreuvePratique(rawValue: form["epreuve"] ?? "")?.rawValue ?? "-"
    }

    @Sendable func statutInscription(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let numero = Self.numeroCandidat(context), epreuve = Self.epreuve(form)
        let statut = form["statut"] ?? ""
        return try await formulaire(request, context, retour: "/inscriptions/candidats/\(numero)",
                                    success: "Inscription en \(epreuve) : \(Self.statutInscription(statut)).",
                                    refus: "Rien n'a changé, statut refusé") {
            _ = try await $0.enregistrerInscription(path: .init(annee: Self.sessionCourante, numero: numero, epreuve: epreuve),
                                                    body: .json(.init(statut: try Self.choix(statut, "statut")))).ok
            return nil
        }
    }

    @Sendable func desaffecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await retrait(request, context, {
            _ = try await $0.supprimerAffectation(path: .init(annee: Self.sessionCourante, numero: $1, epreuve: $2)).noContent
        }, retour: { "/inscriptions/candidats/\($0)" },
                          success: { "Candidat retiré de son centre d'épreuve en \($1)." }, refus: "retrait refusé")
    }

    /// Back to the candidates' list: removing the last registration leaves no candidate page to show.
    @Sendable func desinscrire(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await retrait(request, context, {
            _ = try await $0.supprimerInscription(path: .init(annee: Self.sessionCourante, numero: $1, epreuve: $2)).noContent
        }, retour: { _ in "/inscriptions" },
                          success: { "Inscription du candidat \($0) en \($1) supprimée." }, refus: "suppression refusée")
    }

    /// A registration's assignment or the registration itself deleted (the form names the exam).
    private func retrait(_ request: Request, _ context: ECERequestContext, _ appel: (Client, String, String) async throws -> Void,
                         retour: (String) -> String, success: (String, String) -> String, refus: String) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let numero = Self.numeroCandidat(context), epreuve = Self.epreuve(form)
        return try await formulaire(request, context, retour: retour(numero), success: success(numero, epreuve),
                                    refus: "Rien n'a changé, " + refus) {
            try await appel($0, numero, epreuve)
            return nil
        }
    }
}
