import Foundation
import Shared
import Testing

@Suite struct FrenchFormatTests {
    @Test func formLocalTimesAreParisTimeInSummerAndWinter() throws {
        // 1 June 2027 08:00 in Paris is 06:00 UTC (summer time); 1 December 08:00 is 07:00 UTC.
        let juin = try #require(FrenchFormat.parisDateHeure("2027-06-01T08:00"))
        #expect(juin == ISO8601DateFormatter().date(from: "2027-06-01T06:00:00Z"))
        let decembre = try #require(FrenchFormat.parisDateHeure("2026-12-01T08:00"))
        #expect(decembre == ISO8601DateFormatter().date(from: "2026-12-01T07:00:00Z"))
        #expect(FrenchFormat.dateHeure(juin) == "01/06/2027 08:00")
        #expect(FrenchFormat.dateHeure(decembre) == "01/12/2026 08:00")
    }

    @Test func malformedFormTimesAreRefused() {
        for text in ["", "2027-06-01", "2027-13-01T08:00", "2027-06-01T24:00", "2027-06-01T08:60", "demain", "2027-06-01T08:00:00:00"] {
            #expect(FrenchFormat.parisDateHeure(text) == nil, "\(text)")
        }
    }

    @Test func marksAndDates() {
        #expect(FrenchFormat.note(31) == "15,5" && FrenchFormat.note(40) == "20")
        #expect(FrenchFormat.date("2027-06-01") == "01/06/2027")
    }

    /// Issue 25: pages say dates as people do.
    @Test func pagesSayDatesInWords() throws {
        #expect(FrenchFormat.jour("2027-06-01") == "1 juin 2027" && FrenchFormat.jour("2026-12-24") == "24 décembre 2026")
        #expect(FrenchFormat.jour("demain") == "demain" && FrenchFormat.jour("2027-13-01") == "2027-13-01")
        let juin = try #require(FrenchFormat.parisDateHeure("2027-06-01T08:05"))
        #expect(FrenchFormat.moment(juin) == "1 juin 2027 à 8 h 05")
        let soir = try #require(FrenchFormat.parisDateHeure("2026-12-31T23:30"))
        #expect(FrenchFormat.moment(soir) == "31 décembre 2026 à 23 h 30")
    }
}
