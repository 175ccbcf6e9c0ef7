import Foundation
import Hummingbird
import NIOCore
import Shared
import Testing
import TestSupport
@testable import Correction

/// The documents around the exam (issue 22 item 5), through the gateway on a commission the real
/// events built: a slot's attendance sheet and the candidates' convocations parse back as PDF with the
/// right names, each read only in its perimeter; the centre records absences from the sheet.
@Suite(.serialized) struct DocumentsTests {
    struct Releve: Decodable { var absents: [String]; var dejaRecensees: Int; var refus: [Refus]
        struct Refus: Decodable { var numero: String; var motif: String } }
    struct Eleves: Decodable { var items: [Eleve]; struct Eleve: Decodable { var numero: String; var nom: String; var salle: String? } }
    struct Fiche: Decodable { var version: Int; var statut: String; var absence: String? }

    static func texte(_ pdf: ByteBuffer) throws -> String { try CorrectionTests.tool("pdftotext", ["-layout", "{}", "-"], on: pdf, suffix: ".pdf") }

    @Test func attendanceSheetConvocationsAndAbsencesRecordedFromTheSheet() async throws {
        let session = CorrectionTests.session
        let autreCentre = Identity(userId: UUID(), login: "centre.0251080N", role: .centre, scope: .etablissement("0251080N"))
        let ecole = Identity(userId: UUID(), login: "etab.0251671F", role: .etablissement, scope: .etablissement("0251671F"))
        let autreEcole = Identity(userId: UUID(), login: "etab.0251080N", role: .etablissement, scope: .etablissement("0251080N"))
        let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))

        try await RoadMapRuleTests.withPlatform { h, publisher in
            // Four candidates (one examiner: four places in the slot), two schools, names that sort with their accents.
            let a = try await RoadMapRuleTests.commission(h, publisher, candidats: 4, eleves: [
                ("Zola", "Émile", "0251671F"), ("Éluard", "Paul", "0251671F"), ("Martin", "Léa", "0251080N"), ("Bernard", "Anne", "0251671F")])
            let (commission, slot, groupe, examiner, centre, centreId) = (a.path, a.morning, a.groups[0], a.examiners[0], a.centre, a.centreId)
            let referent = Identity(userId: UUID(), login: "referent.\(centre)", role: .referent, scope: .etablissement(centre))
            let fiche = { (n: Int) in a.fiches[n - 1] }, numero = { (n: Int) in a.numeros[n - 1] }
            // The room: every candidate in the examiner's lot.
            #expect(try await h.call(.post, "\(commission)/distribution", RoadMapRuleTests.move(a.fiches, to: groupe), as: centreId).status == .ok)

            // The attendance sheet: the slot, its room, the candidates in alphabetical order (accents aside).
            let emargement = "\(commission)/creneaux/\(slot)/emargement.pdf"
            let feuille = try await h.call(.get, emargement, as: centreId)
            #expect(feuille.status == .ok && feuille.headers[.contentType] == "application/pdf")
            let texte = try Self.texte(feuille.body)
            #expect(texte.contains("FEUILLE D'ÉMARGEMENT") && texte.contains("2 juin 2099, matin, 8 h 30") && texte.contains("Salle 1"), "\(texte)")
            // The centre by its name and town, as Cyclades published it (CorrectionTests.makeCentre's).
            #expect(texte.contains("Lycée de test, Besançon (\(centre))"), "\(texte)")
            let ordre = ["BERNARD", "ÉLUARD", "MARTIN", "ZOLA"].map { texte.range(of: $0)?.lowerBound }
            #expect(ordre.allSatisfy { $0 != nil } && ordre.map { $0! } == ordre.map { $0! }.sorted(), "\(texte)")
            #expect(try await h.call(.get, emargement, as: referent).status == .ok)
            #expect(try await h.call(.get, emargement, as: CorrectionTests.besancon).status == .ok)
            for intrus in [autreCentre, paris, examiner, ecole] {
                #expect(try await h.call(.get, emargement, as: intrus).status == .forbidden, "\(intrus.login)")
            }
            #expect(try await h.call(.get, "\(commission)/creneaux/\(UUID())/emargement.pdf", as: centreId).status == .notFound)
            // A time is HH:MM or nothing: anything else is refused, and no slot is made.
            for heure in ["25:00", "8h30", "08:3", "08:30:00", "٠٨:٣٠", "", "+8:00", "-0:00", "08:+5"] {
                let corps = RoadMapRuleTests.slot("matin", a.sujets[0], a.sujets[1], a.sujets[2], a.sujets[3], jour: "2099-06-04")
                    .replacingOccurrences(of: "08:30", with: heure)
                #expect(try await h.call(.post, "\(commission)/creneaux", corps, as: centreId).status == .unprocessableContent, "\(heure)")
            }

            // A convocation: the candidate, the day, the half-day, the time, the centre and the room; for the centre that hosts
            // them, their school, their académie — 404 alike for another centre, school or académie.
            let convocation = "/api/correction/sessions/\(session)/candidats/\(numero(1))/convocation.pdf"
            let zola = try await h.call(.get, convocation, as: ecole)
            #expect(zola.status == .ok && zola.headers[.contentType] == "application/pdf")
            let lettre = try Self.texte(zola.body)
            #expect(["ZOLA Émile", "\(numero(1))", "2 juin 2099", "matin", "8 h 30", "Lycée de test, Besançon (\(centre))", "Salle 1"]
                .allSatisfy { lettre.contains($0) }, "\(lettre)")
            for lecteur in [centreId, CorrectionTests.besancon] { #expect(try await h.call(.get, convocation, as: lecteur).status == .ok) }
            for intrus in [autreCentre, autreEcole, paris] {
                #expect(try await h.call(.get, convocation, as: intrus).status == .notFound, "\(intrus.login)")
            }
            for intrus in [examiner, referent] { #expect(try await h.call(.get, convocation, as: intrus).status == .forbidden) }
            #expect(try await h.call(.get, "/api/correction/sessions/\(session)/candidats/\(numero(1))X/convocation.pdf", as: ecole).status == .notFound)

            // The school's pupils, and all their convocations in one PDF; another school's: refused.
            let ecoleBase = "/api/correction/sessions/\(session)/etablissements/0251671F/convocations"
            let eleves = try await h.decode(Eleves.self, .get, ecoleBase, as: ecole).items.filter { a.numeros.contains($0.numero) }
            #expect(eleves.map(\.nom) == ["Bernard", "Éluard", "Zola"] && eleves.allSatisfy { $0.salle == "Salle 1" })
            let toutes = try await h.call(.get, ecoleBase + ".pdf", as: ecole)
            #expect(toutes.status == .ok)
            let lettres = try Self.texte(toutes.body)
            #expect(lettres.contains("BERNARD Anne") && lettres.contains("ZOLA Émile") && !lettres.contains("\(numero(3))"), "Martin is of another school")
            #expect(try await h.call(.get, ecoleBase, as: autreEcole).status == .forbidden)
            #expect(try await h.call(.get, ecoleBase + ".pdf", as: autreEcole).status == .forbidden)
            #expect(try await h.call(.get, ecoleBase, as: centreId).status == .forbidden)

            // The examiner grades Zola; the centre, sheet in hand, records Éluard and Martin absent (unjustified).
            #expect(try await RoadMapRuleTests.grade(h, fiche(1), as: examiner).statut == "notee")
            let absences = "\(commission)/creneaux/\(slot)/absences"
            let premier = #"{"fiches":["\#(fiche(2))","\#(fiche(3))"]}"#
            let releve = try await h.decode(Releve.self, .post, absences, premier, as: centreId)
            #expect(Set(releve.absents) == ["\(numero(2))", "\(numero(3))"] && releve.refus.isEmpty)
            for n in [2, 3] {
                let f = try await h.decode(Fiche.self, .get, "/api/correction/fiches/\(fiche(n))", as: centreId)
                #expect(f.statut == "absent" && f.absence == "injustifiee")
            }
            // A replay changes nothing; the graded sheet is left as it stands, named; a justified absence.
            let rejeu = try await h.decode(Releve.self, .post, absences, premier, as: centreId)
            #expect(rejeu.absents.isEmpty && rejeu.dejaRecensees == 2)
            let second = try await h.decode(Releve.self, .post, absences,
                                            #"{"fiches":["\#(fiche(1))","\#(fiche(4))"],"absence":"justifiee"}"#, as: centreId)
            #expect(second.absents == ["\(numero(4))"] && second.refus.map(\.numero) == ["\(numero(1))"] && second.refus.first?.motif == "déjà noté")
            #expect(try await h.decode(Fiche.self, .get, "/api/correction/fiches/\(fiche(1))", as: centreId).statut == "notee")
            #expect(try await h.decode(Fiche.self, .get, "/api/correction/fiches/\(fiche(4))", as: centreId).absence == "justifiee")
            let audit = try await h.decode(CorrectionTests.Audit.self, .get, "/api/correction/fiches/\(fiche(2))/audit", as: centreId)
            #expect(audit.items.filter { $0.action == "fiche.absence" }.count == 1, "the replay wrote nothing")
            // Sheets of another slot or commission: 404, nothing changed; only the centre records; a locked lot stays.
            #expect(try await h.call(.post, absences, #"{"fiches":["\#(fiche(1))","\#(UUID())"]}"#, as: centreId).status == .notFound)
            for intrus in [referent, examiner, CorrectionTests.besancon, autreCentre] {
                #expect(try await h.call(.post, absences, premier, as: intrus).status == .forbidden, "\(intrus.login)")
            }
            #expect(try await h.call(.post, "/api/correction/groupes/\(groupe)/verrouillage", as: examiner).status == .ok)
            let verrouille = try await h.decode(Releve.self, .post, absences, #"{"fiches":["\#(fiche(2))"],"absence":"justifiee"}"#,
                                                as: centreId)
            #expect(verrouille.absents.isEmpty && verrouille.refus.first?.motif.hasPrefix("lot verrouillé") == true)
        }
    }

    /// A long slot goes on over several pages, each with the table's header.
    @Test func aLongAttendanceSheetTakesSeveralPages() throws {
        let convoques = (1...45).map { i in
            Convoque(ficheId: UUID(), numero: "N\(i)", nom: "Nom\(i)", prenoms: "Prénom", uaiOrigine: "0251671F",
                                          session: 2099, epreuve: "T011B", centre: "0251080N", academie: "03", jour: "2099-06-02",
                                          demiJournee: "apres-midi", salle: "Salle \(i % 2)", statut: "a_noter", absence: nil)
        }
        let creneau = ConvocationsDocument.Creneau(key: CommissionKey(session: 2099, epreuve: "T011B", centre: "0251080N"), academie: "03",
                                                   lieu: "0251080N", jour: "2099-06-02", demiJournee: "apres-midi")
        let pdf = ByteBuffer(bytes: try ConvocationsDocument.emargement(creneau, convoques))
        #expect(try CorrectionTests.pages(pdf) ?? 0 >= 2)
        let texte = try Self.texte(pdf)
        #expect(texte.contains("Nom45".uppercased()) && texte.contains("(suite, page 2)") && texte.contains("Salle 0, Salle 1"))
    }
}
