import Foundation

/// Run ids: sortable UTC time plus a random suffix, e.g. `20261125T154512Z-3f9a`.
public enum RunID {
    /// A new id for a run starting at `date`.
    public static func make(at date: Date = Date()) -> String {
        let civil = CivilDate(millis: Int64(date.timeIntervalSince1970 * 1000))
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", civil.year, civil.month, civil.day, civil.hour, civil.minute,
            civil.second)
        return stamp + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }
}
