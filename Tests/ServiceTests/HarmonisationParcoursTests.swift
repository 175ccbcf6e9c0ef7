import Foundation
import Hummingbird
import Shared
import Testing
import TestSupport
@testable import Correction

/// Issue 22's "Done when", as ONE chain on ONE commission built by the real flow: four examiners
/// grade eight candidates each, one giving A everywhere; the statistics flag exactly them; the
/// coordinator samples the lots, the second reading of the lenient lot differs, the coordinator
/// settles it with a reason; the lots lock, the centre closes; Cyclades holds the settled marks; a
/// re-marking after closing changes one grade with its history; Imag'In's CSV pays the coordinator
/// and the second readers, once; the convocations and the attendance sheets parse back as PDF.
/// Every expected value is computed from what the test graded.
@Suite(.serialized) struct HarmonisationParcoursTests {
    typealias R = RoadMapRuleTests
    static let session = CorrectionTests.session

    /// The levels (APP, REA, VAL) each examiner gives, and the mark they make in half points: 2 × (4a + 12r + 4v)
    /// with A 1, B 2/3, C 1/3, rounded as `Bareme.arrondi`. The lenient one (0) gives A everywhere.
    static let notes: [String: Int] = ["AAA": 40, "BBB": 27, "CCC": 13, "BCB": 19, "CBC": 21, "BBC": 24, "CCB": 16]
    static let grilles: [[String]] = [
        Array(repeating: "AAA", count: 8),
        ["CCC", "BBB", "BCB", "CBC", "BBC", "CCB", "BCB", "CBC"],
        ["BCB", "CBC", "CCC", "BBB", "CCB", "BBC", "CBC", "BCB"],
        ["BBB", "CCB", "CBC", "BCB", "CCC", "BCB", "BBC", "CBC"],
    ]

    /// A full grid of levels for APP, REA, VAL ("ABB"), with a major aid given now on `aideSur`.
    static func grille(_ niveaux: String, aideSur: String? = nil) -> String {
        let evaluations = zip(["APP", "REA", "VAL"], niveaux).map { #"{"code":"\#($0)","evaluation":{"type":"niveau","niveau":"\#($1)"}}"# }
        let now = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let aides = aideSur.map { #"{"critere":"\#($0)","aide":"majeure","heure":"\#(now)"}"# } ?? ""
        return #""grille":{"evaluations":[\#(evaluations.joined(separator: ","))],"appels":[],"aides":[\#(aides)],"commentaires":{}}"#
    }

    /// z as `Severite` states it, on one subject: Σ(mark − m) / √(n·v), m and v the others' mean and variance (half points).
    static func z(_ miennes: [Int], autres: [Int]) -> Double {
        let n = Double(autres.count), m = Double(autres.reduce(0, +)) / n
        let v = autres.map { Double($0 * $0) }.reduce(0, +) / n - m * m
        return miennes.map { Double($0) - m }.reduce(0, +) / (Double(miennes.count) * v).squareRoot()
    }

    @Test func aLenientExaminerIsFlaggedSampledSettledClosedReMarkedAndEveryonePaidOnce() async throws {
        // Names Cyclades accepts (letters only), all distinct: Alpha … India, Alphason …
        let eleves = (0..<32).map { i in (nom: R.nom(i % 9 + 1) + ["", "son", "ard", "ine"][i / 9], prenoms: "Léa", uai: "0251671F") }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 32, examiners: 4, coordinator: true, placer: false, eleves: eleves)
            let coordinateur = try #require(c.coordinator), centre = c.centreId
            // Candidate n's number is the commission's 7-character prefix then n (the numbers sort as text, not as n).
            let nomDe = Dictionary(uniqueKeysWithValues: c.numeros.map { ($0, eleves[Int($0.dropFirst(7))! - 1].nom) })
            let numeroDe = Dictionary(uniqueKeysWithValues: zip(c.fiches, c.numeros))

            // Two half-days where the examiner records the subject the candidate drew: everybody on
            // subject 0 (a reference of its own: the statistics compare like with like).
            let (matin, apresMidi) = (
                try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                   R.slot("matin", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3], jour: "2099-06-03", choix: true),
                                   as: centre, expect: .created).id,
                try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                   R.slot("apres-midi", c.sujets[0], c.sujets[1], c.sujets[4], c.sujets[2], c.sujets[3], jour: "2099-06-03",
                                          choix: true), as: centre, expect: .created).id)
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(matin)/candidats", R.fiches(Array(c.fiches[0..<16])), as: centre).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(apresMidi)/candidats", R.fiches(Array(c.fiches[16..<32])), as: centre).status == .ok)
            // Examiner k: four candidates in the morning, four in the afternoon; `lots[k]` in grading order.
            let lots = (0..<4).map { k in Array(c.fiches[4 * k..<4 * k + 4]) + Array(c.fiches[16 + 4 * k..<16 + 4 * k + 4]) }
            for (k, lot) in lots.enumerated() {
                #expect(try await h.call(.post, "\(c.path)/distribution", R.move(lot, to: c.groups[k]), as: centre).status == .ok)
            }

            // The papers: the morning's attendance sheet names its sixteen candidates, not the afternoon's;
            // a convocation its candidate, day, half-day, centre and room.
            let feuille = try await h.call(.get, "\(c.path)/creneaux/\(matin)/emargement.pdf", as: centre)
            #expect(feuille.status == .ok && feuille.headers[.contentType] == "application/pdf")
            let emargement = try DocumentsTests.texte(feuille.body)
            #expect(emargement.contains("FEUILLE D'ÉMARGEMENT") && emargement.contains("3 juin 2099, matin"), "\(emargement)")
            for (i, numero) in c.numeros.enumerated() {
                let nom = nomDe[numero]!.uppercased()
                let present = emargement.range(of: "\\b\(nom)\\b", options: .regularExpression) != nil
                #expect(present == (i < 16), "\(nom) on the morning's sheet: \(present)")
            }
            let dernier = c.numeros[31]
            let convocation = try await h.call(.get, "/api/correction/sessions/\(Self.session)/candidats/\(dernier)/convocation.pdf", as: centre)
            #expect(convocation.status == .ok && convocation.headers[.contentType] == "application/pdf")
            let lettre = try DocumentsTests.texte(convocation.body)
            #expect(["\(nomDe[dernier]!.uppercased()) Léa", dernier, "3 juin 2099", "après-midi", c.centre, "Salle 4"].allSatisfy { lettre.contains($0) },
                    "\(lettre)")

            // Grading: subject 0 recorded, the examiner's levels, final.
            var premiere: [UUID: (niveaux: String, note: Int)] = [:]
            for (k, lot) in lots.enumerated() {
                for (i, fiche) in lot.enumerated() {
                    let niveaux = Self.grilles[k][i]
                    let pose = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(fiche)/sujet",
                                                  #"{"version":0,"sujetId":"\#(c.sujets[0])"}"#, as: c.examiners[k])
                    let notee = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                                   #"{"version":\#(pose.version),\#(Self.grille(niveaux)),"finaliser":true}"#, as: c.examiners[k])
                    #expect(notee.statut == "notee" && notee.noteFinale == Self.notes[niveaux], "\(niveaux): \(notee.noteFinale ?? -1)")
                    premiere[fiche] = (niveaux, Self.notes[niveaux]!)
                }
            }

            // The statistics flag exactly the lenient examiner (and their lot) of this commission, with the stated z.
            let stats = try await h.decode(StatistiquesExaminateursTests.Reponse.self, .get,
                                           "/api/correction/sessions/\(Self.session)/epreuves/T011B/statistiques/examinateurs", as: coordinateur)
            let ici = Dictionary(uniqueKeysWithValues: stats.examinateurs.filter { l in c.examiners.contains { $0.userId == l.id } }.map { ($0.id, $0.mesure) })
            #expect(ici.count == 4)
            for (k, examiner) in c.examiners.enumerated() {
                let mesure = try #require(ici[examiner.userId])
                let miennes = lots[k].map { premiere[$0]!.note }
                let autres = lots.indices.filter { $0 != k }.flatMap { lots[$0] }.map { premiere[$0]!.note }
                let z = Self.z(miennes, autres: autres)
                #expect(abs((mesure.z ?? .nan) - z) < 1e-6, "\(examiner.login): z \(mesure.z ?? .nan), expected \(z)")
                #expect(mesure.indicateur == (k == 0 ? "indulgent" : "dans_la_norme"), "\(examiner.login): \(mesure.indicateur), z \(z)")
                #expect(mesure.effectif == 8 && mesure.moyenne == Double(miennes.reduce(0, +)) / 16)
                #expect(abs((mesure.national.moyenne ?? 0) - Double(autres.reduce(0, +)) / Double(autres.count) / 2) < 1e-9)
            }
            let lotsIci = stats.lots.filter { $0.centre == c.centre }
            #expect(lotsIci.filter { $0.mesure.indicateur == "indulgent" }.map(\.id) == [c.groups[0]], "\(lotsIci.map { ($0.nom, $0.mesure.indicateur) })")

            // The coordinator samples a graded sheet per examiner (the random sample route), each read by another.
            let lectures = "\(c.path)/secondes-lectures"
            let echantillon = try await h.decode(SecondeLectureTests.Lectures.self, .post, "\(lectures)/echantillon", #"{"parExaminateur":1}"#,
                                                 as: coordinateur, expect: .created).items
            #expect(echantillon.count == 4 && Set(echantillon.map(\.premierExaminateur)).count == 4)
            let duLenient = try #require(echantillon.first { lots[0].contains($0.ficheId) })
            #expect(duLenient.notePremiere == 40)
            let lecteurDe = { (l: SecondeLectureTests.Lecture) in c.examiners.first { "Test Prof\(R.nom(c.examiners.firstIndex(of: $0)! + 1))" == l.lecteur } }
            // Readers grade blind: the lenient lot's sheet as BBB (27), the others as their first examiner did.
            var lus: [UUID: Int] = [:]
            for lecture in echantillon {
                let lecteur = try #require(lecteurDe(lecture), "\(lecture.lecteur)")
                #expect(!lots[c.examiners.firstIndex(of: lecteur)!].contains(lecture.ficheId), "a reader outside the sheet's lot")
                let aveugle = "/api/correction/fiches/\(lecture.ficheId)/seconde-lecture"
                let vue = try await h.decode(CorrectionTests.Fiche.self, .get, aveugle, as: lecteur)
                #expect(vue.noteFinale == nil, "blind")
                let niveaux = lecture.id == duLenient.id ? "BBB" : premiere[lecture.ficheId]!.niveaux
                let lue = try await h.decode(CorrectionTests.Fiche.self, .put, aveugle,
                                             #"{"version":\#(vue.version),\#(Self.grille(niveaux)),"finaliser":true}"#, as: lecteur)
                #expect(lue.noteFinale == Self.notes[niveaux])
                lus[lecteur.userId, default: 0] += 1
            }
            // The lenient lot's reading differs (13 half points: flagged), the others agree.
            let lues = try await h.decode(SecondeLectureTests.Lectures.self, .get, lectures, as: coordinateur).items
            for lecture in lues {
                let attendu = lecture.id == duLenient.id ? 40 - 27 : 0
                #expect(lecture.statut == "lue" && lecture.ecart == attendu && lecture.signalee == (attendu > 0), "\(lecture)")
            }
            // Not closed while a look is open.
            let tot = try await h.call(.post, "\(c.path)/cloture", as: centre)
            #expect(tot.status == .conflict && CorrectionTests.kind(tot) == "incomplete")

            // The coordinator settles: another mark, with a reason, for the lenient lot's sheet; the first mark elsewhere.
            let retenue = 30, motif = "Harmonisation : démarche partielle, barème appliqué"
            let tranchee = try await h.decode(SecondeLectureTests.Lecture.self, .post, "\(lectures)/\(duLenient.id)/arbitrage",
                                              #"{"choix":"autre","noteFinale":\#(retenue),"motif":"\#(motif)"}"#, as: coordinateur)
            #expect(tranchee.statut == "tranchee" && tranchee.noteRetenue == retenue && tranchee.motif == motif)
            for lecture in echantillon where lecture.id != duLenient.id {
                #expect(try await h.call(.post, "\(lectures)/\(lecture.id)/arbitrage", #"{"choix":"premiere","motif":"Concordance"}"#,
                                         as: coordinateur).status == .ok)
            }
            var attendu = premiere.mapValues(\.note)
            attendu[duLenient.ficheId] = retenue

            // Every lot locks; the centre closes.
            for (k, groupe) in c.groups.enumerated() {
                #expect(try await h.call(.post, "/api/correction/groupes/\(groupe)/verrouillage", as: c.examiners[k]).status == .ok)
            }
            let cloture = try await h.decode(Cloture.self, .post, "\(c.path)/cloture", as: centre)
            #expect(cloture.notes == 32 && cloture.absents == 0)

            // Cyclades holds the settled marks: the settled one, the others as graded.
            for (fiche, note) in attendu {
                try await R.cyclades(try #require(c.candidatIds[numeroDe[fiche]!])) { $0?.demiPoints == note && $0?.remplacees == 0 }
            }

            // Imag'In: each examiner their eight candidates, the coordinator their flat fee, each second
            // reader the sheets they read, priced per copy (5 €) — once.
            let closings = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(c.centre)%'")
            #expect(closings.count == 1)
            try await Processed.inbox(of: "missions", closings)
            let paiements = "/api/missions/sessions/\(Self.session)/services-faits"
            let personnes = Set(c.examiners.map(\.userId) + [coordinateur.userId])
            func services() async throws -> [RecorrectionTests.Services.Ligne] {
                try await h.decode(RecorrectionTests.Services.self, .get, paiements, as: CorrectionTests.besancon).items
                    .filter { personnes.contains($0.intervenantId) }
            }
            typealias Ligne = RecorrectionTests.Services.Ligne
            let attendus = c.examiners.map { Ligne(intervenantId: $0.userId, role: "examinateur", candidatsEvalues: 8, montantCentimes: 4000,
                                                   centres: [c.centre]) }
                + [Ligne(intervenantId: coordinateur.userId, role: "coordinateur", candidatsEvalues: 0, montantCentimes: 15_000, centres: [c.centre])]
                + lus.map { Ligne(intervenantId: $0.key, role: "second_lecteur", candidatsEvalues: $0.value, montantCentimes: 500 * $0.value,
                                  centres: [c.centre]) }
            let avant = try await services()
            let cle = { (l: Ligne) in "\(l.intervenantId) \(l.role)" }
            #expect(avant.sorted { cle($0) < cle($1) } == attendus.sorted { cle($0) < cle($1) }, "\(avant)")
            let csv = String(buffer: try await h.call(.get, "\(paiements).csv", as: CorrectionTests.besancon).body)
            #expect(csv.contains(";coordinateur;coordinateur;\(coordinateur.login);Coord;Test;0;ECE-FORFAIT-COORDINATION;150,00\r\n"), "\(csv)")
            for (lecteur, n) in lus {
                let examiner = try #require(c.examiners.first { $0.userId == lecteur })
                let nom = "Prof\(R.nom(c.examiners.firstIndex(of: examiner)! + 1))"
                #expect(csv.contains(";examinateur;second_lecteur;\(examiner.login);\(nom);Test;\(n);ECE-PAR-CANDIDAT;\(n * 5),00\r\n"), "\(csv)")
            }

            // A re-marking after closing: the gestionnaire asks for the settled candidate, the coordinator re-marks.
            let candidat = try #require(c.candidatIds[numeroDe[duLenient.ficheId]!])
            let recours = "Recours gracieux de la famille"
            let demande = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/recorrections",
                                             #"{"candidatId":"\#(candidat)","motif":"\#(recours)"}"#, as: CorrectionTests.besancon,
                                             expect: .created).id
            let fiche = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(duLenient.ficheId)", as: coordinateur)
            #expect(fiche.noteFinale == retenue)
            #expect(try await h.call(.post, "/api/correction/recorrections/\(demande)/notation",
                                     #"{"version":\#(fiche.version),\#(Self.grille("BBC"))}"#, as: coordinateur).status == .ok)
            // Cyclades: that grade changes (the settled one kept as history, with the reason); no other.
            try await R.cyclades(candidat) { $0?.demiPoints == Self.notes["BBC"] && $0?.remplacees == 1 }
            let notes = try await h.decode(RecorrectionTests.Notes.self, .get,
                                           "/api/inscriptions/sessions/\(Self.session)/notes?epreuve=T011B&centre=\(c.centre)",
                                           as: CorrectionTests.besancon).items
            #expect(notes.count == 32)
            for note in notes {
                let fiche = try #require(c.fiches.first { numeroDe[$0] == note.numero })
                if fiche == duLenient.ficheId {
                    #expect(note.demiPoints == Self.notes["BBC"] && note.historique.map { "\($0.demiPoints ?? -1) \($0.motif ?? "")" } == ["\(retenue) \(recours)"])
                } else {
                    #expect(note.demiPoints == attendu[fiche] && note.historique.isEmpty, "\(note.numero)")
                }
            }
            // Imag'In paid nobody again.
            let recorrection = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(demande)%'")
            #expect(recorrection.count == 1)
            try await Processed.inbox(of: "missions", recorrection)
            #expect(try await services().sorted { cle($0) < cle($1) } == avant.sorted { cle($0) < cle($1) })
        }
    }
}
