import Foundation

extension Plan {
    /// Whether a file's content is a saved plan (JSON) rather than a manifest (YAML): its first non-blank byte is
    /// `{`.
    public static func looksSaved(_ data: Data) -> Bool {
        data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{")
    }

    /// Decodes a plan saved by `klinesync plan --out` at `path`; a `SyncError.input` naming the file when it is not
    /// one, or is of a format this version does not read.
    public static func decodeSaved(_ data: Data, path: String) throws -> Plan {
        let plan: Plan
        do {
            plan = try JSONCoding.decoder().decode(Plan.self, from: data)
        } catch {
            throw SyncError.input("\(path) is not a klinesync plan: \(error); save one with `klinesync plan --out`")
        }
        guard plan.formatVersion == "1" else {
            throw SyncError.input("\(path): plan format \(plan.formatVersion) is not supported; re-run klinesync plan")
        }
        return plan
    }

    /// Refuses the plan saved at `path` when its manifest changed since it was made (`SyncError.stalePlan`).
    public func check(madeFrom manifest: Manifest, path: String) throws {
        guard manifest.digest == manifestDigest else {
            throw SyncError.stalePlan(
                "\(path): plan is stale: \(manifestPath) changed since the plan was made; "
                    + "run `klinesync plan --out` again")
        }
    }
}
