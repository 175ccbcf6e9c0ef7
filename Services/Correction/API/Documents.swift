import Foundation
import OpenAPIRuntime
import Shared

/// The documents around the exam: the evaluation sheets to print (blank before, filled after) and
/// the centre's archive after closing; a slot's attendance sheet and the absences the centre records
/// from it; the candidates' convocations for their centre and their school.
extension CorrectionAPI {
    private func lien(_ fiche: UUID) -> String { "\(publicURL)/correction/fiches/\(fiche.uuidString.lowercased())" }

    /// A PDF shown in the browser, named for saving.
    private static func affiche(_ nom: String) -> String { "inline; filename=\"\(nom)\"" }

    /// The sheets of a slot (`?creneau=`) or of the whole centre, as one PDF to print: blank before
    /// the exam (the offline fallback), as they stand afterwards.
    func imprimerFiches(_ input: Operations.ImprimerFiches.Input) async throws -> Operations.ImprimerFiches.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let creneau = try Correspondance.critere(input.query.creneau, "creneau")
        let feuilles = try await fiches.feuilles(commission.key, creneau: creneau, lien: lien)
        guard !feuilles.isEmpty else { throw Problem.notFound("aucune fiche / no sheet") }
        let title = "Fiches d'évaluation \(commission.epreuve) \(commission.centre)"
        let bytes = try await PDF.build { try FicheDocument.pdf(feuilles, title: title) }
        return .ok(.init(headers: .init(contentDisposition: Self.affiche("fiches-\(commission.epreuve)-\(commission.centre).pdf")),
                         body: .pdf(HTTPBody(bytes))))
    }

    /// One candidate's sheet.
    func imprimerFiche(_ input: Operations.ImprimerFiche.Input) async throws -> Operations.ImprimerFiche.Output {
        let (fiche, _) = try await lisible(input.path.id)
        let feuilles = try await fiches.feuilles(fiche.key, creneau: fiche.creneauId, seule: fiche.id, lien: lien)
        let bytes = try await PDF.build { try FicheDocument.pdf(feuilles, title: "Fiche d'évaluation \(fiche.numero)") }
        return .ok(.init(headers: .init(contentDisposition: Self.affiche("fiche-\(Archive.safeName(fiche.numero)).pdf")),
                         body: .pdf(HTTPBody(bytes))))
    }

    /// After closing: the filled sheets, one PDF per candidate, in one zip for the centre.
    func archiverFiches(_ input: Operations.ArchiverFiches.Input) async throws -> Operations.ArchiverFiches.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard commission.etat == "close" else {
            throw Problem.conflict(.etat, "l'export suit la clôture de l'épreuve / the export follows the closing")
        }
        let feuilles = try await fiches.feuilles(commission.key, creneau: nil, lien: lien)
        guard !feuilles.isEmpty else { throw Problem.notFound("aucune fiche / no sheet") }
        // The sheet's id ends each name: two candidates may share a number and a name.
        let zip = try await PDF.build {
            try Archive.zip(try feuilles.map { f in
                (name: "\(Archive.safeName(f.fiche.numero))-\(Archive.safeName(f.fiche.nom))-\(f.fiche.id.uuidString.prefix(8)).pdf",
                 bytes: try FicheDocument.pdf([f], title: "Fiche d'évaluation \(f.fiche.numero)"))
            })
        }
        let name = "fiches-\(commission.session)-\(commission.epreuve)-\(commission.centre).zip"
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"\(name)\""), body: .applicationZip(HTTPBody(zip))))
    }

    // MARK: slots

    /// The slot of the path in the commission, and its candidates in alphabetical order.
    private func creneau(_ commission: Commission, _ id: String) async throws -> (ConvocationsDocument.Creneau, [Convoque]) {
        let id = try Correspondance.id(id, "créneau")
        guard let (jour, demiJournee, heure, lieu) = try await commissions.creneau(commission.key, id) else { throw Problem.notFound("créneau") }
        let convoques = try await commissions.convoques(session: commission.session, creneau: (commission.key, id))
        return (.init(key: commission.key, academie: commission.academie, lieu: lieu, jour: jour, demiJournee: demiJournee, heure: heure),
                convoques)
    }

    /// The attendance sheet: whoever reads the commission's sheets (`imprimerFiches`) prints it.
    func imprimerEmargement(_ input: Operations.ImprimerEmargement.Input) async throws -> Operations.ImprimerEmargement.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let (creneau, convoques) = try await creneau(commission, input.path.creneau)
        let bytes = try await PDF.build { try ConvocationsDocument.emargement(creneau, convoques) }
        let nom = "emargement-\(commission.epreuve)-\(commission.centre)-\(creneau.jour)-\(creneau.demiJournee).pdf"
        return .ok(.init(headers: .init(contentDisposition: Self.affiche(nom)), body: .pdf(HTTPBody(bytes))))
    }

    /// The convocations of a slot's candidates, for the centre that hosts them (and the académie).
    func imprimerConvocationsCreneau(_ input: Operations.ImprimerConvocationsCreneau.Input) async throws
        -> Operations.ImprimerConvocationsCreneau.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let (creneau, convoques) = try await creneau(commission, input.path.creneau)
        guard !convoques.isEmpty else { throw Problem.notFound("aucun candidat dans ce créneau / no candidate in this slot") }
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocations \(commission.epreuve)") }
        let nom = "convocations-\(commission.epreuve)-\(commission.centre)-\(creneau.jour)-\(creneau.demiJournee).pdf"
        return .ok(.init(headers: .init(contentDisposition: Self.affiche(nom)), body: .pdf(HTTPBody(bytes))))
    }

    /// The absent candidates the centre ticks on the slot's attendance sheet (unjustified unless said).
    func recenserAbsences(_ input: Operations.RecenserAbsences.Input) async throws -> Operations.RecenserAbsences.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let creneau = try Correspondance.id(input.path.creneau, "créneau")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let absents = try Self.nombre(try Correspondance.uuids(body.fiches, "fiches"))
        let absence = body.absence.flatMap { Absence(rawValue: $0.rawValue) } ?? .injustifiee
        let releve = try await fiches.releverAbsences(commission.key, creneau: creneau, fiches: absents, absence: absence, by: caller)
        return .ok(.init(body: .json(Correspondance.vue(releve))))
    }

    // MARK: the candidates' convocations

    /// Who reads a candidate's convocation: the centre hosting them, their school of origin, their
    /// académie's gestionnaire — nobody else.
    private static func convoque(_ caller: Identity, _ c: Convoque) -> Bool {
        switch (caller.role, caller.scope) {
        case (.centre, .etablissement(let uai)): uai == c.centre
        case (.etablissement, .etablissement(let uai)): uai == c.uaiOrigine
        case (.gestionnaire, .academie(let code)): code == c.academie
        default: false
        }
    }

    /// One candidate's convocation (one page per exam they sit); 404 alike when the number is unknown
    /// or outside the caller's perimeter, 409 before the centre places them in a slot.
    func imprimerConvocationCandidat(_ input: Operations.ImprimerConvocationCandidat.Input) async throws
        -> Operations.ImprimerConvocationCandidat.Output {
        let caller = try RequeteGeneree.moi()
        let numero = input.path.numero
        guard (1...40).contains(numero.count) else { throw Problem.notFound("candidat") }
        let convoques = try await commissions.convoques(session: try RequeteGeneree.session(input.path.annee), numero: numero)
            .filter { Self.convoque(caller, $0) }
        guard !convoques.isEmpty else { throw Problem.notFound("candidat") }
        guard convoques.contains(where: { $0.jour != nil }) else {
            throw Problem.conflict(.prealable, "candidat pas encore placé dans un créneau / candidate not placed in a slot yet")
        }
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocation \(numero)") }
        return .ok(.init(headers: .init(contentDisposition: Self.affiche("convocation-\(Archive.safeName(numero)).pdf")),
                         body: .pdf(HTTPBody(bytes))))
    }

    /// A school's pupils (its own for the school; those of the académie's commissions for the
    /// gestionnaire); another school's: 403.
    private func eleves(_ annee: Int, _ uai: String) async throws -> [Convoque] {
        let caller = try RequeteGeneree.moi()
        guard uai.count == 8 else { throw Problem.notFound("établissement") }
        if caller.role == .etablissement, caller.scope != .etablissement(uai) {
            throw Problem.forbidden("établissement hors de votre périmètre / outside your scope")
        }
        return try await commissions.convoques(session: try RequeteGeneree.session(annee), uaiOrigine: uai).filter { Self.convoque(caller, $0) }
    }

    func listerConvocationsEtablissement(_ input: Operations.ListerConvocationsEtablissement.Input) async throws
        -> Operations.ListerConvocationsEtablissement.Output {
        .ok(.init(body: .json(.init(items: try Pont.vue(try await eleves(input.path.annee, input.path.uai))))))
    }

    /// Every placed pupil's convocation in one PDF, in alphabetical order.
    func imprimerConvocationsEtablissement(_ input: Operations.ImprimerConvocationsEtablissement.Input) async throws
        -> Operations.ImprimerConvocationsEtablissement.Output {
        let convoques = try await eleves(input.path.annee, input.path.uai).filter { $0.jour != nil }
        guard !convoques.isEmpty else { throw Problem.notFound("aucune convocation / no convocation") }
        let uai = convoques[0].uaiOrigine ?? ""
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocations \(uai)") }
        return .ok(.init(headers: .init(contentDisposition: Self.affiche("convocations-\(uai).pdf")), body: .pdf(HTTPBody(bytes))))
    }
}
