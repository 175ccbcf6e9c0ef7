import Foundation
import Hummingbird
import PostgresNIO
import Shared

/// `/api/inscriptions/…`: reference data, the candidates file import, the candidates of a session.
struct InscriptionsController: Sendable {
    let repository: InscriptionsRepository
    let affectations: AffectationRepository
    let designations: DesignationRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("sessions", use: sessions)
        group.post("sessions", use: createSession)
        group.get("sessions/:annee/candidats/:numero", use: candidat)
        group.put("sessions/:annee/candidats/:numero", use: updateCandidat)
        group.put("sessions/:annee/candidats/:numero/inscriptions/:epreuve", use: setInscription)
        group.delete("sessions/:annee/candidats/:numero/inscriptions/:epreuve", use: deleteInscription)
        group.delete("sessions/:annee/affectations/:numero/:epreuve", use: unassign)
        group.get("etablissements", use: etablissements)
        group.post("sessions/:annee/import", use: importCandidats)
        group.get("sessions/:annee/candidats", use: candidats)
        group.get("sessions/:annee/delegations", use: delegations)
        group.post("sessions/:annee/delegations", use: delegate)
        group.delete("sessions/:annee/delegations/:epreuve/:uai", use: revoke)
        group.post("sessions/:annee/affectations", use: assign)
        group.get("sessions/:annee/affectations/suggestions", use: suggestions)
        group.get("sessions/:annee/remontee", use: remontee)
        group.get("sessions/:annee/notes", use: notes)
        group.get("sessions/:annee/notes.csv", use: notesCSV)
        group.post("sessions/:annee/affectations/publish", use: publish)
        group.get("sessions/:annee/designations", use: listDesignations)
        group.post("sessions/:annee/designations", use: designate)
        group.delete("sessions/:annee/designations/:id", use: removeDesignation)
    }

    // MARK: designations (the examiner and coordinator export to Missions)

    struct Designations: ResponseEncodable { var items: [DesignationRepository.Designation] }

    @Sendable func listDesignations(_ request: Request, context: ECERequestContext) async throws -> Designations {
        let caller = try context.require(.gestionnaire, .etablissement)
        var academie: String?, uai: String?
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
        return Designations(items: try await designations.list(
            session: try context.session(), academie: academie, uai: uai,
            epreuve: request.uri.queryParameters["epreuve"].map(String.init)))
    }

    struct Designated: ResponseEncodable { var id: UUID }

    /// A school designates its teachers as examiners at a centre d'épreuve of its académie hosting the
    /// exam; the gestionnaire designates examiners there too, and alone the académie's coordinators.
    @Sendable func designate(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Designated> {
        let caller = try context.require(.gestionnaire, .etablissement)
        var demande = try await request.decode(as: DesignationRepository.Demande.self, context: context)
        let session = try context.session()
        var errors: [Problem.FieldError] = []
        let person = demande.intervenant
        if !(1...128).contains(person.login.count)
            || !person.login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_@".contains($0)) }) {
            errors.append(.init(field: "intervenant.login", reason: "1 à 128 lettres, chiffres, . - _ @"))
        }
        if !CandidatsCSV.isName(person.nom) { errors.append(.init(field: "intervenant.nom", reason: "nom invalide / invalid name")) }
        if !CandidatsCSV.isName(person.prenom) { errors.append(.init(field: "intervenant.prenom", reason: "prénom invalide / invalid")) }
        if let email = person.email, email.count > 200 || !email.contains("@") {
            errors.append(.init(field: "intervenant.email", reason: "adresse invalide / invalid address"))
        }
        if let uai = person.uai, !UAI.isValid(uai) { errors.append(.init(field: "intervenant.uai", reason: "UAI invalide")) }
        if let discipline = person.discipline, discipline.isEmpty || discipline.count > 100 {
            errors.append(.init(field: "intervenant.discipline", reason: "1 à 100 caractères / 1 to 100 characters"))
        }
        if let divisions = person.divisions, divisions.count > 50 || divisions.contains(where: { $0.isEmpty || $0.count > 20 }) {
            errors.append(.init(field: "intervenant.divisions", reason: "50 divisions de 1 à 20 caractères au plus / at most 50"))
        }
        if EpreuvePratique(rawValue: demande.epreuve) == nil {
            errors.append(.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }

        let academie: String
        var ecole: String?
        switch (demande.role, caller.scope) {
        case (.coordinateur, .academie(let code)):
            guard demande.centre == nil else {
                throw Problem.validation([.init(field: "centre", reason: "un coordinateur est désigné pour l'académie / no centre")])
            }
            academie = code
        case (.coordinateur, _):
            throw Problem.forbidden("les coordinateurs sont désignés par le gestionnaire / coordinators are the gestionnaire's")
        case (.examinateur, let scope):
            guard let centre = demande.centre?.uppercased() else {
                throw Problem.validation([.init(field: "centre", reason: "centre d'épreuve requis / centre required")])
            }
            guard let (centreAcademie, accueille) = try await designations.centre(centre, epreuve: demande.epreuve) else {
                throw Problem.validation([.init(field: "centre", reason: "\(centre) n'est pas un centre d'épreuve / not a centre")])
            }
            guard accueille else {
                throw Problem.validation([.init(field: "centre", reason: "le centre n'accueille pas \(demande.epreuve) / does not host")])
            }
            switch scope {
            case .academie(let code):
                guard code == centreAcademie else { throw Problem.forbidden("centre d'une autre académie / another académie") }
            case .etablissement(let uai):
                guard demande.intervenant.uai == nil || demande.intervenant.uai?.uppercased() == uai else {
                    throw Problem.forbidden("un établissement désigne ses propres enseignants / own teachers only")
                }
                demande.intervenant.uai = uai
                ecole = uai
                guard try await designations.academie(ofSchool: uai) == centreAcademie else {
                    throw Problem.forbidden("centre d'une autre académie / another académie")
                }
            case .national:
                throw Problem.forbidden("portée nationale / national scope")
            }
            demande.centre = centre
            academie = centreAcademie
        }
        let groupe = DesignationRepository.Groupe(session: session, academie: academie, epreuve: demande.epreuve,
                                                  role: demande.role, centre: demande.centre)
        let id = try await designations.designate(demande, groupe: groupe, autorite: .init(academie: academie, uai: ecole),
                                                  by: caller.userId, correlationId: context.correlationId)
        return EditedResponse(status: .created, response: Designated(id: id))
    }

    @Sendable func removeDesignation(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.require(.gestionnaire, .etablissement)
        let id = try context.uuid(of: "désignation")
        let removed = try await designations.remove(id, session: try context.session(), visible: { groupe, uai, designePar in
            switch caller.scope {
            case .academie(let code): groupe.academie == code
            // Its own teacher, designated by itself: never what the académie designated (issue 18).
            case .etablissement(let own): groupe.role == .examinateur && uai == own && designePar == own
            case .national: false
            }
        }, correlationId: context.correlationId)
        guard removed else { throw Problem.notFound("désignation") }
        return .noContent
    }

    struct Published: ResponseEncodable {
        var centresEpreuves: Int
        var evenements: Int
    }

    /// Sends the académie's assignments to Correction (`affectations.published`, per centre × exam).
    @Sendable func publish(_ request: Request, context: ECERequestContext) async throws -> Published {
        let academie = try gestionnaireAcademie(context)
        let (groups, events) = try await affectations.publish(
            session: try context.session(), academie: academie,
            epreuve: request.uri.queryParameters["epreuve"].map(String.init), correlationId: context.correlationId)
        return Published(centresEpreuves: groups, evenements: events)
    }

    struct Remontee: ResponseEncodable { var items: [InscriptionsRepository.LigneRemontee] }

    /// The grades received per centre × exam, with what is still missing: a gestionnaire for their
    /// académie, a centre (or its school account) for itself, national roles for all.
    @Sendable func remontee(_ request: Request, context: ECERequestContext) async throws -> Remontee {
        let caller = try context.require(.gestionnaire, .centre, .etablissement, .dsii, .admin)
        var academie: String?, centre = request.uri.queryParameters["centre"].map { String($0).uppercased() }
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let uai): centre = uai
        case .national: break
        }
        return Remontee(items: try await repository.remontee(
            session: try context.session(), academie: academie, centre: centre,
            epreuve: request.uri.queryParameters["epreuve"].map(String.init)))
    }

    struct Notes: ResponseEncodable {
        var items: [InscriptionsRepository.NoteCandidat]
        var page: Int
        var perPage: Int
        var total: Int
    }

    /// The jury's reading: each candidate's grade, for the gestionnaire of their académie (and the
    /// national administrator); a school reads its own pupils' only (`uai` naming another is refused);
    /// centres see counts only (`remontee`).
    private func lecteurDesNotes(_ request: Request, _ context: ECERequestContext) throws -> (academie: String?, uai: String?) {
        let caller = try context.require(.gestionnaire, .admin, .etablissement)
        let demande = request.uri.queryParameters["uai"].map { String($0).uppercased() }
        switch caller.scope {
        case .academie(let code) where caller.role == .gestionnaire: return (code, demande)
        case .national where caller.role == .admin: return (nil, demande)
        case .etablissement(let own) where caller.role == .etablissement:
            guard demande == nil || demande == own else {
                throw Problem.forbidden("un établissement lit les notes de ses élèves seulement / own pupils only")
            }
            return (nil, own)
        default: throw Problem.forbidden("notes des candidats : gestionnaire de leur académie / académie's gestionnaire")
        }
    }

    private func filtres(_ request: Request) throws -> (epreuve: String?, centre: String?) {
        let q = request.uri.queryParameters
        let epreuve = try q["epreuve"].map { code in
            guard let epreuve = EpreuvePratique(rawValue: String(code)) else { throw Problem.badRequest("épreuve inconnue / unknown exam") }
            return epreuve.rawValue
        }
        return (epreuve, q["centre"].map { String($0).uppercased() })
    }

    @Sendable func notes(_ request: Request, context: ECERequestContext) async throws -> Notes {
        let (academie, uai) = try lecteurDesNotes(request, context)
        let (epreuve, centre) = try filtres(request)
        let q = request.uri.queryParameters
        let page = q["page"].flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
        let perPage = q["perPage"].flatMap { Int($0) }.map { min(max($0, 1), 1000) } ?? 100
        let (items, total) = try await repository.notes(session: try context.session(), academie: academie, uai: uai, epreuve: epreuve,
                                                        centre: centre, page: page, perPage: perPage)
        return Notes(items: items, page: page, perPage: perPage, total: total)
    }

    /// Half points as a mark out of 20 with a decimal comma.
    static func surVingt(_ demiPoints: Int) -> String { "\(demiPoints / 2)" + (demiPoints % 2 == 1 ? ",5" : "") }

    /// The same grades as a file for the jury (`CSV`), the grade out of 20 with a decimal comma.
    @Sendable func notesCSV(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (academie, uai) = try lecteurDesNotes(request, context)
        let session = try context.session()
        let (epreuve, centre) = try filtres(request)
        let (items, _) = try await repository.notes(session: session, academie: academie, uai: uai, epreuve: epreuve, centre: centre)
        return CSV.response(
            colonnes: ["numero", "nom", "prenoms", "epreuve", "centre", "resultat", "note_sur_20", "version_cloture", "notes_remplacees", "historique"],
            lignes: items.map { n in
                let note = n.demiPoints.map(Self.surVingt) ?? ""
                // Each replaced grade, oldest first, with the re-marking's reason (the grade in force is `note_sur_20`).
                let historique = n.historique.map { h in
                    "\(h.resultat) \(h.demiPoints.map(Self.surVingt) ?? "")" + (h.motif.map { " (recorrection : \($0))" } ?? "")
                }
                return [n.numero, n.nom, n.prenoms, n.epreuve, n.centre, n.resultat, note, n.versionCloture.map(String.init) ?? "",
                        String(n.remplacees), historique.joined(separator: " | ")]
            },
            fichier: "notes-\(session)\(epreuve.map { "-" + $0 } ?? "").csv")
    }

    // MARK: delegation and assignment (road map: "Affecter les candidats", both actors)

    struct Delegations: ResponseEncodable { var items: [AffectationRepository.Delegation] }

    @Sendable func delegations(_ request: Request, context: ECERequestContext) async throws -> Delegations {
        let caller = try context.require(.gestionnaire, .etablissement)
        let session = try context.session()
        switch caller.scope {
        case .academie(let academie):
            return Delegations(items: try await affectations.delegations(session: session, academie: academie, uai: nil))
        case .etablissement(let uai):
            return Delegations(items: try await affectations.delegations(session: session, academie: nil, uai: uai))
        case .national:
            throw Problem.forbidden("portée nationale / national scope")
        }
    }

    @Sendable func delegate(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Delegations> {
        let academie = try gestionnaireAcademie(context)
        let body = try await request.decode(as: AffectationRepository.Delegation.self, context: context)
        guard EpreuvePratique(rawValue: body.epreuve) != nil else {
            throw Problem.validation([.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", "))])
        }
        let session = try context.session()
        guard try await affectations.delegate(session: session, epreuve: body.epreuve, uai: body.uai.uppercased(),
                                              academie: academie, by: try context.authenticated().userId)
        else {
            throw Problem.validation([.init(field: "uai", reason: "établissement inconnu dans l'académie / unknown school of the académie")])
        }
        return EditedResponse(status: .created, response: Delegations(
            items: try await affectations.delegations(session: session, academie: academie, uai: nil)))
    }

    @Sendable func revoke(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let academie = try gestionnaireAcademie(context)
        guard let epreuve = context.parameters.get("epreuve"), let uai = context.parameters.get("uai"),
            try await affectations.revoke(session: try context.session(), epreuve: epreuve, uai: uai.uppercased(),
                                          academie: academie)
        else { throw Problem.notFound("délégation") }
        return .noContent
    }

    struct AssignRequest: Decodable { var affectations: [AffectationRepository.Demande] }
    struct Assigned: ResponseEncodable { var affectees: Int }

    /// All or nothing: one refused line refuses the batch, and every refusal says why.
    @Sendable func assign(_ request: Request, context: ECERequestContext) async throws -> Assigned {
        let caller = try context.require(.gestionnaire, .etablissement)
        let session = try context.session()
        let body = try await request.decode(as: AssignRequest.self, context: context)
        guard (1...5000).contains(body.affectations.count) else {
            throw Problem.validation([.init(field: "affectations", reason: "1 à 5 000 affectations / 1 to 5,000")])
        }
        let acteur = try await acteur(caller, session: session)
        let refusals = try await affectations.assign(session: session, body.affectations, acteur: acteur,
                                                     role: caller.role, by: caller.userId)
        guard refusals.isEmpty else {
            throw Problem(.unprocessableContent, type: "assignment-refused",
                          title: "Affectations refusées, aucune enregistrée / Assignments refused, none stored",
                          detail: "\(refusals.count) refus", errors: refusals)
        }
        return Assigned(affectees: body.affectations.count)
    }

    struct Suggestions: ResponseEncodable { var items: [AffectationRepository.Suggestion] }

    @Sendable func suggestions(_ request: Request, context: ECERequestContext) async throws -> Suggestions {
        let caller = try context.require(.gestionnaire, .etablissement)
        let session = try context.session()
        return Suggestions(items: try await affectations.suggestions(
            session: session, acteur: try await acteur(caller, session: session),
            epreuve: request.uri.queryParameters["epreuve"].map(String.init)))
    }

    private func acteur(_ caller: Identity, session: Int) async throws -> Affectation.Acteur {
        switch caller.scope {
        case .academie(let academie): return .gestionnaire(academie: academie)
        case .etablissement(let uai):
            return .etablissement(uai: uai, delegations: try await affectations.delegatedExams(session: session, uai: uai))
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
    }

    private func gestionnaireAcademie(_ context: ECERequestContext) throws -> String {
        let caller = try context.require(.gestionnaire)
        guard case .academie(let academie) = caller.scope else { throw Problem.forbidden("académie requise") }
        return academie
    }

    // MARK: sessions and single candidates

    struct Sessions: ResponseEncodable {
        var items: [Item]
        struct Item: Codable { var annee: Int; var etat: String }
    }

    @Sendable func sessions(_ request: Request, context: ECERequestContext) async throws -> Sessions {
        _ = try context.authenticated()
        return Sessions(items: try await repository.sessions().map { .init(annee: $0.annee, etat: $0.etat) })
    }

    struct NewSession: Decodable { var annee: Int }

    /// Sessions are national: opened by the national team.
    @Sendable func createSession(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Sessions> {
        _ = try context.require(.dsii, .admin)
        let body = try await request.decode(as: NewSession.self, context: context)
        guard (2020...2100).contains(body.annee) else {
            throw Problem.validation([.init(field: "annee", reason: "entre 2020 et 2100 / between 2020 and 2100")])
        }
        try await repository.ensureSession(body.annee)
        return EditedResponse(status: .created, response: try await sessions(request, context: context))
    }

    @Sendable func candidat(_ request: Request, context: ECERequestContext) async throws -> InscriptionsRepository.Candidat {
        let caller = try context.require(.gestionnaire, .dsii, .admin)
        var academie: String?
        if case .academie(let code) = caller.scope { academie = code }
        guard let numero = context.parameters.get("numero"),
            let found = try await repository.candidats(session: try context.session(), academie: academie, uai: nil, epreuve: nil,
                                                       numero: numero).items.first
        else { throw Problem.notFound("candidat") }
        return found
    }

    struct Identite: Decodable {
        var nom: String
        var prenoms: String
        var naissance: String
        var categorie: String
        var uai: String?
        var division: String?
        var filiere: String
    }

    /// Corrects a candidate with exactly the import's rules (the line is checked as a file line would be).
    @Sendable func updateCandidat(_ request: Request, context: ECERequestContext) async throws -> InscriptionsRepository.Candidat {
        let academie = try gestionnaireAcademie(context)
        let session = try context.session()
        guard let numero = context.parameters.get("numero") else { throw Problem.notFound("candidat") }
        let body = try await request.decode(as: Identite.self, context: context)
        guard let current = try await repository.candidats(session: session, academie: academie, uai: nil, epreuve: nil,
                                                           numero: numero).items.first
        else { throw Problem.notFound("candidat") }
        func quoted(_ value: String?) -> String { "\"" + (value ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let line = [numero, body.nom, body.prenoms, body.naissance, body.categorie, body.uai, body.division, body.filiere,
                    current.epreuves.first ?? ""].map(quoted).joined(separator: ";")
        var csv = CandidatsCSV(etablissements: try await repository.academiesParUAI(), academie: academie)
        csv.feed(Array((CandidatsCSV.columns.joined(separator: ";") + "\n" + line + "\n").utf8))
        csv.finish()
        guard csv.errorCount == 0, let ligne = csv.lignes.first else {
            throw Problem.validation(csv.errors.map { .init(field: $0.column, reason: $0.reason) })
        }
        if let wrong = current.epreuves.first(where: { EpreuvePratique(rawValue: $0)?.filiere != ligne.filiere }) {
            throw Problem.validation([.init(field: "filiere", reason: "inscrit en \(wrong), d'une autre filière / registered for \(wrong)")])
        }
        guard try await repository.update(ligne, session: session, academie: academie) else { throw Problem.notFound("candidat") }
        return try await candidat(request, context: context)
    }

    struct Statut: Decodable { var statut: String }

    /// Registers the candidate for the exam or sets the registration's status before the exam.
    @Sendable func setInscription(_ request: Request, context: ECERequestContext) async throws -> InscriptionsRepository.Candidat {
        let academie = try gestionnaireAcademie(context)
        let body = try await request.decode(as: Statut.self, context: context)
        guard ["inscrit", "dispense", "absent_justifie"].contains(body.statut) else {
            throw Problem.validation([.init(field: "statut", reason: "inscrit, dispense ou absent_justifie (les résultats viennent de la correction)")])
        }
        guard let numero = context.parameters.get("numero"), let epreuve = context.parameters.get("epreuve"),
            EpreuvePratique(rawValue: epreuve) != nil
        else { throw Problem.notFound("inscription") }
        try Self.check(try await repository.setInscription(session: try context.session(), numero: numero, epreuve: epreuve,
                                                           statut: body.statut, academie: academie))
        return try await candidat(request, context: context)
    }

    @Sendable func deleteInscription(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let academie = try gestionnaireAcademie(context)
        guard let numero = context.parameters.get("numero"), let epreuve = context.parameters.get("epreuve") else {
            throw Problem.notFound("inscription")
        }
        try Self.check(try await repository.deleteInscription(session: try context.session(), numero: numero,
                                                              epreuve: epreuve, academie: academie))
        return .noContent
    }

    @Sendable func unassign(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let academie = try gestionnaireAcademie(context)
        guard let numero = context.parameters.get("numero"), let epreuve = context.parameters.get("epreuve"),
            try await affectations.unassign(session: try context.session(), numero: numero, epreuve: epreuve, academie: academie)
        else { throw Problem.notFound("affectation (ou résultat déjà reçu) / assignment") }
        return .noContent
    }

    private static func check(_ changement: InscriptionsRepository.Changement) throws {
        switch changement {
        case .fait: return
        case .inconnu: throw Problem.notFound("candidat ou inscription")
        case .refuse(let reason): throw Problem.conflict(.regle, reason)
        }
    }

    struct Etablissements: ResponseEncodable {
        var items: [InscriptionsRepository.Etablissement]
        var page: Int
        var perPage: Int
        var total: Int
    }

    /// The directory's schools, searched by UAI or name (`q`), centres only (`centres=true`), by page.
    @Sendable func etablissements(_ request: Request, context: ECERequestContext) async throws -> Etablissements {
        _ = try context.authenticated()
        let q = request.uri.queryParameters
        let academie = q["academie"].map(String.init)
        let recherche = q["q"].map { String($0.prefix(100)) }.flatMap { $0.isEmpty ? nil : $0 }
        let page = q["page"].flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
        let perPage = q["perPage"].flatMap { Int($0) }.map { min(max($0, 1), 10_000) } ?? 10_000
        let (items, total) = try await repository.etablissements(academie: academie, recherche: recherche,
                                                                 centres: q["centres"] == "true", page: page, perPage: perPage)
        return Etablissements(items: items, page: page, perPage: perPage, total: total)
    }

    struct ImportReport: ResponseEncodable {
        var lignes: Int
        var candidats: Int
        var inscriptions: Int
        var encodage: String
        var separateur: String
        var erreurs: [ImportError]
        var nombreErreurs: Int
    }

    /// The académie's candidates file, streamed and checked line by line. By default nothing is
    /// imported when anything is wrong (422 with every error: line, column, reason); `?partiel=true`
    /// imports the valid lines and reports the others.
    @Sendable func importCandidats(_ request: Request, context: ECERequestContext) async throws -> ImportReport {
        let caller = try context.require(.gestionnaire)
        guard case .academie(let academie) = caller.scope else { throw Problem.forbidden("académie requise") }
        let session = try context.session()
        let partiel = request.uri.queryParameters["partiel"] == "true"
        var csv = CandidatsCSV(etablissements: try await repository.academiesParUAI(), academie: academie)
        let started = ContinuousClock.now
        for try await buffer in request.body {
            csv.feed(buffer.readableBytesView)
        }
        csv.finish()
        if csv.errorCount > 0 && !partiel {
            throw Problem.fichierRefuse(csv.errors, total: csv.errorCount)
        }
        let parsed = ContinuousClock.now
        let stored = try await repository.store(csv.lignes, session: session, academie: academie)
        context.logger.info("candidates imported", metadata: [
            "lines": "\(csv.lignes.count)", "session": "\(session)",
            "readAndChecked": "\(parsed - started)", "stored": "\(ContinuousClock.now - parsed)",
        ])
        return ImportReport(lignes: csv.lineNumber - 1, candidats: stored.candidats, inscriptions: stored.inscriptions,
                            encodage: csv.encoding, separateur: String(csv.separator ?? ";"), erreurs: csv.errors,
                            nombreErreurs: csv.errorCount)
    }

    struct Candidats: ResponseEncodable {
        var items: [InscriptionsRepository.Candidat]
        var page: Int
        var perPage: Int
        var total: Int
    }

    /// A gestionnaire sees their académie's candidates only; national roles see all; a school sees its
    /// own pupils, for the exams whose assignment is delegated to it only.
    @Sendable func candidats(_ request: Request, context: ECERequestContext) async throws -> Candidats {
        let caller = try context.require(.gestionnaire, .etablissement, .dsii, .admin)
        let q = request.uri.queryParameters
        var academie: String?, uai = q["uai"].map { String($0).uppercased() }, epreuve = q["epreuve"].map(String.init)
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own):
            let delegated = try await affectations.delegatedExams(session: try context.session(), uai: own)
            guard let asked = epreuve, delegated.contains(asked) else {
                throw Problem.forbidden("précisez une épreuve déléguée à l'établissement (\(delegated.sorted().joined(separator: ", "))) / a delegated exam")
            }
            uai = own
            epreuve = asked
        case .national: break
        }
        let page = q["page"].flatMap { Int($0) } ?? 1
        let perPage = q["perPage"].flatMap { Int($0) } ?? 100
        guard (1...100_000).contains(page), (1...1000).contains(perPage) else {
            throw Problem.validation([.init(field: "page", reason: "page ≥ 1, perPage 1…1000")])
        }
        let (items, total) = try await repository.candidats(
            session: try context.session(), academie: academie, uai: uai, epreuve: epreuve, page: page, parPage: perPage)
        return Candidats(items: items, page: page, perPage: perPage, total: total)
    }

}
extension InscriptionsRepository.Candidat: ResponseEncodable {}
