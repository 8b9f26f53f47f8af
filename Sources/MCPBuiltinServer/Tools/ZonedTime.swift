import Foundation

/// A moment as wall-clock time in one IANA zone, formatted without a `DateFormatter`.
///
/// Formatters are costly to build and not `Sendable`; the civil-date arithmetic below
/// (Howard Hinnant's `civil_from_days`) is exact for the proleptic Gregorian calendar.
struct ZonedTime: Sendable, Equatable {
    let zone: String
    /// ISO 8601 with a numeric offset, to the second: `2025-06-01T14:03:07+02:00`.
    let iso8601: String
    /// `+02:00`, `-03:30`, `+00:00`.
    let utcOffset: String
    let isDaylightSaving: Bool

    init(_ date: Date, in timeZone: TimeZone) {
        let offsetSeconds = timeZone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let offset = Self.offset(offsetSeconds)
        zone = timeZone.identifier
        utcOffset = offset
        isDaylightSaving = timeZone.isDaylightSavingTime(for: date)
        iso8601 = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T"
            + "\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay / 60 % 60, 2)):\(Self.pad(secondOfDay % 60, 2))"
            + offset
    }

    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return "\(sign)\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }

    /// Year, month, day of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
