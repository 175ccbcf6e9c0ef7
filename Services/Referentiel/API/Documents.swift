import Foundation
import OpenAPIRuntime
import Shared

/// A subject's documents (PDF: the candidates' paper, the examiner's sheet) and its material list, read
/// by those who prepare the laboratory and grade (`LectureSujet`).
extension ReferentielAPI {
    func deposerDocument(_ input: Operations.DeposerDocument.Input) async throws -> Operations.DeposerDocument.Output {
        let id = try Correspondance.sujet(input.path.id)
        let nature = Correspondance.nature(input.path.nature)
        let nom = input.query.nom ?? "\(nature.rawValue).pdf"
        // A plain name: no directory, no hidden file, no control character (it ends up in a header).
        guard (1...200).contains(nom.count), !nom.contains("/"), !nom.contains("\\"), !nom.hasPrefix("."),
              !nom.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.validation([.init(field: "nom", reason: "nom de fichier simple de 1 à 200 caractères / plain file name")])
        }
        let corps: HTTPBody
        switch input.body {
        case .pdf(let body), .any(let body): corps = body
        }
        // The guard bounds the body (413 past DocumentRule.maximumSize, `GardeOperations`).
        let bytes = try await [UInt8](collecting: corps, upTo: DocumentRule.maximumSize)
        if let violation = DocumentRule.violation(bytes) { throw Problem.validation([violation]) }
        try await sujets.putDocument(id, nature: nature, nom: nom, bytes: bytes)
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    func telechargerDocument(_ input: Operations.TelechargerDocument.Input) async throws -> Operations.TelechargerDocument.Output {
        let id = try Correspondance.sujet(input.path.id)
        let nature = Correspondance.nature(input.path.nature)
        _ = try await lisible(id, .documents, nature: nature, by: try RequeteGeneree.moi())
        guard let (nom, bytes) = try await sujets.document(id, nature: nature) else { throw Problem.notFound("document") }
        // A header's value in ASCII: accents dropped from their letters (« été » reads « ete »), the rest left out.
        let ascii = String(nom.folding(options: .diacriticInsensitive, locale: nil).unicodeScalars
            .filter { $0.isASCII && $0 != "\"" && $0.properties.generalCategory != .control })
        return .ok(.init(headers: .init(contentDisposition: "inline; filename=\"\(ascii)\""),
                         body: .pdf(HTTPBody(bytes.readableBytesView))))
    }

    /// What a laboratory is prepared from: the material list of the subject, and once visible its
    /// title and the documents there are to read.
    func lireMateriel(_ input: Operations.LireMateriel.Input) async throws -> Operations.LireMateriel.Output {
        let caller = try RequeteGeneree.moi()
        let sujet = try await lisible(try Correspondance.sujet(input.path.id), .materiel, by: caller)
        let visible = LectureSujet.documents.refus(caller.role, sujet) == nil
        let documents = sujet.documents.filter { LectureSujet.documents.refus(caller.role, sujet, nature: $0.nature) == nil }
        return .ok(.init(body: .json(.init(
            id: sujet.id.uuidString, epreuve: sujet.epreuve, session: sujet.session, code: sujet.code,
            dominante: sujet.dominante, titre: visible ? sujet.titre : nil, materiel: sujet.materiel, visibleFrom: sujet.visibleFrom,
            visible: visible, documents: documents.map(Correspondance.vue)))))
    }

    /// The subject, if `caller` may read this of it (`LectureSujet`); 404 when there is none.
    private func lisible(_ id: UUID, _ lecture: LectureSujet, nature: NatureDocument? = nil, by caller: Identity) async throws -> SujetView {
        // The role first: a refused role learns nothing, not even whether the subject exists.
        if let refus = LectureSujet.refus(caller.role) { throw refus }
        let sujet = try await found(id, withBaremes: false)
        if let refus = lecture.refus(caller.role, sujet, nature: nature) { throw refus }
        return sujet
    }
}
