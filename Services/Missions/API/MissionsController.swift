import Foundation
import Hummingbird
import Shared

/// `/api/missions/…`: the regulation, session opening, missions, convocations, services faits and
/// "my missions". Each route checks role and scope here, where the data lives.
struct MissionsController: Sendable {
    let repository: MissionRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("sessions/:annee/reglementation", use: reglementation)
        group.post("sessions/:annee/reglementation", use: refreshReglementation)
        group.get("sessions/:annee/parametres", use: parametres)
        group.put("sessions/:annee/parametres", use: setParametres)
        group.post("sessions/:annee/ouverture", use: open)
        group.get("sessions/:annee/missions", use: missions)
        group.post("missions/:id/convocations", use: convoke)
        group.get("sessions/:annee/convocations", use: convocations)
        group.get("convocations/:id", use: convocation)
        group.get("convocations/:id/impression", use: printable)
        group.get("convocations/:id/impression.pdf", use: printablePDF)
        group.post("convocations/:id/annulation", use: cancel)
        group.get("mes-missions", use: myMissions)
        group.get("sessions/:annee/services-faits", use: servicesFaits)
        group.get("sessions/:annee/services-faits.csv", use: servicesFaitsCSV)
    }

    // MARK: regulation

    @Sendable func reglementation(_ request: Request, context: ECERequestContext) async throws -> MissionRepository.ReglementationVersion {
        _ = try context.require(.gestionnaire, .dsii, .etablissement)
        let version = request.uri.queryParameters["version"].map { Int(String($0)) }
        if case .some(nil) = version { throw Problem.validation([.init(field: "version", reason: "entier / integer")]) }
        guard let found = try await repository.reglementation(session: try context.session(), version: version ?? nil) else {
            throw Problem.notFound("aucune réglementation chargée pour la session / no regulation loaded")
        }
        return found
    }

    struct Refreshed: ResponseEncodable { var version: Int; var nouvelleVersion: Bool }

    /// "Rafraîchir la réglementation": the DSII loads the national regulation (the built-in one
    /// without a body, or the one sent); a gestionnaire's refresh reloads what the DSII loaded last
    /// (the built-in one when nothing was), so it can never replace the DSII's choice. A new version
    /// only when the content changed.
    @Sendable func refreshReglementation(_ request: Request, context: ECERequestContext) async throws -> Refreshed {
        let caller = try context.require(.gestionnaire, .dsii)
        let session = try context.session()
        let body = try await request.body.collect(upTo: 1_000_000)
        var reglementation = Reglementation.nationale
        if caller.role == .gestionnaire, let current = try await repository.reglementation(session: session) {
            reglementation = current.reglementation
        }
        if body.readableBytes > 0 {
            guard caller.role == .dsii else {
                throw Problem.forbidden("seule la DSII charge une autre réglementation / only the DSII loads another regulation")
            }
            do {
                reglementation = try JSONDecoder().decode(Reglementation.self, from: body)
            } catch let error as DecodingError {
                throw Problem.badRequest("réglementation illisible / unreadable regulation: \(Self.describe(error))")
            }
        }
        let errors = reglementation.validate()
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let (version, nouvelle) = try await repository.refresh(session: session, reglementation, by: caller.userId)
        return Refreshed(version: version, nouvelleVersion: nouvelle)
    }

    // MARK: session parameters and opening

    @Sendable func parametres(_ request: Request, context: ECERequestContext) async throws -> MissionRepository.ParametresSession {
        let academie = try gestionnaire(context)
        guard let p = try await repository.parametres(session: try context.session(), academie: academie) else {
            throw Problem.notFound("paramètres de session non définis / session parameters not set")
        }
        return p
    }

    /// The dates and observations of the académie's ECE missions, and the mission types used; the
    /// types must exist in the session's regulation, be of the right kind and agree with their pay type.
    @Sendable func setParametres(_ request: Request, context: ECERequestContext) async throws -> MissionRepository.ParametresSession {
        let academie = try gestionnaire(context)
        let session = try context.session()
        let input = try await request.decode(as: MissionRepository.Parametres.self, context: context)
        guard let current = try await repository.reglementation(session: session) else {
            throw Problem.conflict(.prealable, "rafraîchir d'abord la réglementation de la session / refresh the regulation first")
        }
        let regles = current.reglementation
        var errors: [Problem.FieldError] = []
        let debut = Self.date(input.dateDebut), fin = Self.date(input.dateFin)
        if debut == nil { errors.append(.init(field: "dateDebut", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if fin == nil { errors.append(.init(field: "dateFin", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if let debut, let fin {
            if fin < debut { errors.append(.init(field: "dateFin", reason: "avant la date de début / before the start date")) }
            if !(session - 1...session).contains(debut.year) || !(session - 1...session).contains(fin.year) {
                errors.append(.init(field: "dateDebut", reason: "hors de l'année scolaire de la session / outside the session's school year"))
            }
        }
        if (input.observations ?? "").count > 2000 {
            errors.append(.init(field: "observations", reason: "2 000 caractères au plus / at most 2,000 characters"))
        }
        var types: [MissionKind: String] = [:]
        for (kind, field, code) in [(MissionKind.examinateur, "typeMissionExaminateur", input.typeMissionExaminateur),
                                    (.coordinateur, "typeMissionCoordinateur", input.typeMissionCoordinateur)] {
            guard let type = code.map(regles.typeMission) ?? regles.defaut(kind) else {
                errors.append(.init(field: field, reason: "type de mission inconnu de la réglementation v\(current.version) / unknown"))
                continue
            }
            if type.kind != kind {
                errors.append(.init(field: field, reason: "\(type.code) est une mission \(type.kind.rawValue), pas \(kind.rawValue)"))
            } else if let reason = regles.disagreement(type) {
                errors.append(.init(field: field, reason: reason))
            }
            types[kind] = type.code
        }
        guard errors.isEmpty, let debut, let fin else { throw Problem.validation(errors) }
        let p = MissionRepository.ParametresSession(
            session: session, academie: academie, dateDebut: debut.iso, dateFin: fin.iso, observations: input.observations ?? "",
            typeMissionExaminateur: types[.examinateur]!, typeMissionCoordinateur: types[.coordinateur]!,
            reglementationVersion: current.version, ouverteLe: nil, rafraichieLe: nil)
        try await repository.setParametres(p)
        return try await repository.parametres(session: session, academie: academie) ?? p
    }

    /// Opens (or refreshes) the session for the académie: the mission import. Idempotent.
    @Sendable func open(_ request: Request, context: ECERequestContext) async throws -> MissionRepository.Ouverture {
        let academie = try gestionnaire(context)
        let session = try context.session()
        guard let p = try await repository.parametres(session: session, academie: academie) else {
            throw Problem.conflict(.prealable, "définir d'abord les dates et observations des missions / set the session parameters first")
        }
        return try await repository.open(session: session, academie: academie, parametres: p, correlationId: context.correlationId)
    }

    // MARK: missions and convocations

    struct Missions: ResponseEncodable { var items: [MissionRepository.MissionDetail] }

    /// The gestionnaire sees the académie's missions; a school the examiner missions at its centre or
    /// open to its teachers.
    @Sendable func missions(_ request: Request, context: ECERequestContext) async throws -> Missions {
        let caller = try context.require(.gestionnaire, .etablissement)
        let query = request.uri.queryParameters
        var kind: MissionKind?
        if let text = query["kind"] {
            guard let given = MissionKind(rawValue: String(text)) else {
                throw Problem.validation([.init(field: "kind", reason: "examinateur ou coordinateur")])
            }
            kind = given
        }
        var filtre = MissionRepository.Filtre(epreuve: query["epreuve"].map(String.init), centre: query["centre"].map(String.init),
                                              kind: kind)
        switch caller.scope {
        case .academie(let code): filtre.academie = code
        case .etablissement(let uai):
            filtre.uai = uai
            if filtre.kind == .coordinateur { return Missions(items: []) }
            filtre.kind = .examinateur
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
        // Each person with what the caller may do: the page offers only what the write routes accept.
        let items = try await repository.missions(session: try context.session(), filtre).map { detail in
            var detail = detail
            for i in detail.intervenants.indices {
                let p = detail.intervenants[i]
                detail.intervenants[i].convocable = detail.mission.active && p.exporte && p.convocationId == nil
                    && refusConvocation(caller, mission: detail.mission, uai: p.uai, designePar: p.designePar) == nil
                detail.intervenants[i].lisible = p.convocationId != nil && mayConvoke(caller, mission: detail.mission, uai: p.uai)
                detail.intervenants[i].annulable = p.convocationId != nil && p.convoquePar.map {
                    refusAnnulation(caller, mission: detail.mission, uai: p.uai, autorite: $0) == nil } == true
            }
            return detail
        }
        return Missions(items: items)
    }

    struct ConvocationRequest: Decodable { var intervenantId: UUID }
    struct Convoked: ResponseEncodable {
        var id: UUID
        var impression: String
        /// Where the person's copy (with the code) is mailed; nil: no address, hand over the printed copy.
        var courriel: String?
        var avis: String?
    }

    /// Convokes an exported examiner or coordinator: the gestionnaire for both kinds, a school its own
    /// teachers or at its own centre for examiner missions. Repeating it returns the same convocation.
    @Sendable func convoke(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Convoked> {
        let caller = try context.require(.gestionnaire, .etablissement)
        let mission = try await missionParameter(context)
        let body = try await request.decode(as: ConvocationRequest.self, context: context)
        guard let person = try await repository.intervenant(body.intervenantId) else {
            throw Problem.validation([.init(field: "intervenantId", reason: "intervenant inconnu d'Imag'In / unknown intervenant")])
        }
        let designePar = caller.role == .etablissement ? try await repository.designePar(person.id, for: mission.id) : nil
        if let refus = refusConvocation(caller, mission: mission, uai: person.uai, designePar: designePar) {
            throw refus
        }
        let (id, created, courriel) = try await repository.convoke(person, to: mission, by: caller.userId,
                                                                   autorite: caller.scope.description, correlationId: context.correlationId)
        let avis = !created ? nil : courriel.map { "Envoyée par courriel à \($0)." }
            ?? "Aucune adresse électronique connue pour \(person.prenom) \(person.nom) : remettez-lui la convocation imprimée."
        return EditedResponse(status: created ? .created : .ok,
                              response: Convoked(id: id, impression: "/api/missions/convocations/\(id.uuidString.lowercased())/impression",
                                                 courriel: courriel, avis: avis))
    }

    struct Convocations: ResponseEncodable { var items: [MissionRepository.Convocation] }

    @Sendable func convocations(_ request: Request, context: ECERequestContext) async throws -> Convocations {
        let caller = try context.require(.gestionnaire, .etablissement)
        let statut = request.uri.queryParameters["statut"].map(String.init)
        if let statut, !["emise", "annulee"].contains(statut) {
            throw Problem.validation([.init(field: "statut", reason: "emise ou annulee")])
        }
        var academie: String?, uai: String?
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
        let items = try await repository.convocations(session: try context.session(), academie: academie, uai: uai, statut: statut)
            .map(\.0)
        return Convocations(items: items)
    }

    @Sendable func convocation(_ request: Request, context: ECERequestContext) async throws -> MissionRepository.Convocation {
        try await readableConvocation(context).0
    }

    /// The printable convocation, the page and the PDF: the reader's copy (`ConvocationDocument.exemplaire`:
    /// the code only on the person's copy, which the issuing authority hands over).
    @Sendable func printable(_ request: Request, context: ECERequestContext) async throws -> Response {
        var response = HTML.response(try await copy(context).html)
        // The one-time code must not linger in caches.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func printablePDF(_ request: Request, context: ECERequestContext) async throws -> Response {
        let document = try await copy(context)
        var response = PDF.response(try await PDF.build { try document.pdf() },
                                    name: "convocation-\(document.convocation.id.uuidString.lowercased()).pdf")
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func copy(_ context: ECERequestContext) async throws -> ConvocationDocument {
        let (convocation, code) = try await readableConvocation(context)
        return ConvocationDocument.exemplaire(convocation, code: code, issuer: Self.issuedBy(try context.authenticated(), convocation),
                                              typeMission: try await repository.typeMission(convocation.mission))
    }

    struct Annulation: Decodable { var motif: String }

    @Sendable func cancel(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.require(.gestionnaire, .etablissement)
        let motif = try await request.decode(as: Annulation.self, context: context).motif.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(motif.count) else {
            throw Problem.validation([.init(field: "motif", reason: "motif obligatoire, 500 caractères au plus / reason required")])
        }
        // One answer for "none" and "not yours": a cancellation must not tell whether a number exists elsewhere.
        guard let (convocation, _) = try await repository.convocation(try context.uuid()) else { throw Self.horsPerimetre }
        if let refus = refusAnnulation(caller, mission: convocation.mission, uai: convocation.intervenant.uai,
                                       autorite: convocation.autorite) {
            throw refus
        }
        guard try await repository.cancel(convocation.id, motif: motif, by: caller.userId, correlationId: context.correlationId) else {
            throw Problem.conflict(.dejaFait, "convocation déjà annulée / already cancelled")
        }
        return .noContent
    }

    struct MesMissions: ResponseEncodable { var items: [MaMission] }
    struct MaMission: Codable, Sendable {
        var convocationId: UUID
        var mission: MissionRepository.Mission
        /// Where the work is done: the grading of this exam × centre (a coordinator: the académie's
        /// follow-up of the exam).
        var correction: String
    }

    /// "Mes missions": what the caller is convoked to, and the way into Santorin for each.
    @Sendable func myMissions(_ request: Request, context: ECERequestContext) async throws -> MesMissions {
        let caller = try context.require(.examinateur, .coordinateur)
        let items = try await repository.convocations(login: caller.login, statut: "emise").map { c, _ in
            let m = c.mission
            let path = m.centre.map { "/api/correction/sessions/\(m.session)/epreuves/\(m.epreuve)/centres/\($0)" }
                ?? "/api/correction/sessions/\(m.session)/suivi?epreuve=\(m.epreuve)"
            return MaMission(convocationId: c.id, mission: m, correction: path)
        }
        return MesMissions(items: items)
    }

    // MARK: services faits

    struct ServicesFaits: ResponseEncodable {
        var items: [MissionRepository.ServiceFaitLigne]
        var totalCentimes: Int
    }

    @Sendable func servicesFaits(_ request: Request, context: ECERequestContext) async throws -> ServicesFaits {
        let items = try await servicesFaitsLignes(request, context)
        return ServicesFaits(items: items, totalCentimes: items.reduce(0) { $0 + $1.montantCentimes })
    }

    /// The payment export: one line per intervenant and mission, amounts in euros with a comma.
    @Sendable func servicesFaitsCSV(_ request: Request, context: ECERequestContext) async throws -> Response {
        let items = try await servicesFaitsLignes(request, context)
        let session = try context.session()
        /// Quoted when needed, and never read as a formula by a spreadsheet.
        func cell(_ text: String?) -> String {
            var t = text ?? ""
            if let first = t.first, "=+-@\t\r".contains(first) { t = "'" + t }
            return t.contains(where: { ";\"\n\r".contains($0) }) ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
        }
        var csv = "session;epreuve;centres;mission;nature_mission;role;identifiant;nom;prenom;candidats_evalues;type_remuneration;montant_euros\r\n"
        for l in items {
            let cents = l.montantCentimes % 100
            let euros = "\(l.montantCentimes / 100),\(cents < 10 ? "0" : "")\(cents)"
            csv += [String(session), cell(l.epreuve), cell(l.centres.joined(separator: " ")), l.missionId.uuidString.lowercased(),
                    l.kind.rawValue, cell(l.role), cell(l.login), cell(l.nom), cell(l.prenom), String(l.candidatsEvalues), cell(l.typeRemuneration),
                    euros].joined(separator: ";") + "\r\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                .contentDisposition: "attachment; filename=\"services-faits-\(session).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    private func servicesFaitsLignes(_ request: Request, _ context: ECERequestContext) async throws -> [MissionRepository.ServiceFaitLigne] {
        let academie = try gestionnaire(context)
        let query = request.uri.queryParameters
        return try await repository.servicesFaits(session: try context.session(), academie: academie,
                                                  epreuve: query["epreuve"].map(String.init), centre: query["centre"].map(String.init))
    }

    // MARK: scope and parameters

    private func gestionnaire(_ context: ECERequestContext) throws -> String {
        let caller = try context.require(.gestionnaire)
        guard case .academie(let code) = caller.scope else { throw Problem.forbidden("portée académique requise / académie scope") }
        return code
    }

    /// The gestionnaire of the mission's académie; for examiner missions also the school, for its
    /// own teachers only (issue 18: a centre convoking another school's teacher examining there
    /// would own that person's account and code).
    private func mayConvoke(_ caller: Identity, mission: MissionRepository.Mission, uai personUAI: String?) -> Bool {
        switch caller.scope {
        case .academie(let code): caller.role == .gestionnaire && code == mission.academie
        case .etablissement(let uai):
            caller.role == .etablissement && mission.kind == .examinateur && personUAI == uai
        case .national: false
        }
    }

    /// Why the caller may not convoke a person (of school `uai`, designated by `designePar`) to the
    /// mission, or nil. A school convokes on its own designation of the person for this mission,
    /// not on one the académie made (even of its own teacher): the account would be the school's.
    private func refusConvocation(_ caller: Identity, mission: MissionRepository.Mission, uai: String?, designePar: String?) -> Problem? {
        guard mayConvoke(caller, mission: mission, uai: uai) else {
            return Problem.forbidden("mission hors de votre périmètre / mission outside your scope")
        }
        if case .etablissement = caller.scope, let designePar, designePar != caller.scope.description {
            return Problem.forbidden("désigné(e) pour cette mission par \(Self.autorite(designePar)) : seule elle convoque / designated by another authority")
        }
        return nil
    }

    private static let horsPerimetre = Problem.notFound("aucune convocation de ce numéro dans votre périmètre / convocation not found")

    /// Why the caller may not cancel a convocation issued by `autorite`, or nil: a school cancels
    /// what it issued, the académie's gestionnaire anything in the académie; outside the caller's
    /// perimeter the convocation does not exist for them.
    private func refusAnnulation(_ caller: Identity, mission: MissionRepository.Mission, uai: String?, autorite: String) -> Problem? {
        guard mayConvoke(caller, mission: mission, uai: uai) else {
            return Self.horsPerimetre
        }
        guard caller.role == .gestionnaire || Self.issuedBy(caller, autorite: autorite) else {
            return Problem.forbidden("convocation émise par \(Self.autorite(autorite)) : elle seule l'annule / issued by another authority")
        }
        return nil
    }

    /// An authority in words: « l'académie 03 », « l'établissement 0251080N ».
    static func autorite(_ code: String) -> String {
        switch Scope(code) {
        case .academie(let code)?: "l'académie \(code)"
        case .etablissement(let uai)?: "l'établissement \(uai)"
        default: code
        }
    }

    /// Whether the caller speaks for the authority that issued the convocation.
    static func issuedBy(_ caller: Identity, _ convocation: MissionRepository.Convocation) -> Bool {
        issuedBy(caller, autorite: convocation.autorite)
    }

    static func issuedBy(_ caller: Identity, autorite: String) -> Bool {
        [.gestionnaire, .etablissement].contains(caller.role) && caller.scope.description == autorite
    }

    /// A convocation its issuers may read, and the convoked person themself.
    private func readableConvocation(_ context: ECERequestContext) async throws -> (MissionRepository.Convocation, String) {
        let caller = try context.authenticated()
        guard let found = try await repository.convocation(try context.uuid()) else { throw Problem.notFound("convocation") }
        let own = [.examinateur, .coordinateur].contains(caller.role) && caller.login == found.0.intervenant.login
        guard own || mayConvoke(caller, mission: found.0.mission, uai: found.0.intervenant.uai) else {
            throw Problem.notFound("convocation")
        }
        return found
    }

    private func missionParameter(_ context: ECERequestContext) async throws -> MissionRepository.Mission {
        guard let mission = try await repository.mission(try context.uuid()) else { throw Problem.notFound("mission") }
        return mission
    }


    /// Where a JSON body went wrong, without Foundation's generic message.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let c): "champ manquant / missing field \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: "JSON invalide"
        }
    }

    /// A calendar date given as YYYY-MM-DD (checked: no 2027-02-30).
    struct Day: Comparable {
        var year: Int, month: Int, day: Int
        var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
        static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
    }

    static func date(_ text: String) -> Day? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var components = DateComponents(calendar: Calendar(identifier: .gregorian), year: y, month: m, day: d)
        components.timeZone = TimeZone(identifier: "UTC")
        guard components.isValidDate else { return nil }
        return Day(year: y, month: m, day: d)
    }
}

extension MissionRepository.ReglementationVersion: ResponseEncodable {}
extension MissionRepository.ParametresSession: ResponseEncodable {}
extension MissionRepository.Ouverture: ResponseEncodable {}
extension MissionRepository.Convocation: ResponseEncodable {}
