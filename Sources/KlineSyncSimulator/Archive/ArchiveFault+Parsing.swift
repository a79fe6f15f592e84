import KlineSyncCore

extension ArchiveFault {
    /// The kinds ``parse(_:)`` reads, for help texts.
    public static let kindNames = Kind.allCases.map(\.rawValue).joined(separator: ", ")

    /// Reads `GLOB=KIND[,KIND…]` (`klinesync sim --archive-fault`), such as `BTC*=bad-checksum,hole`.
    public static func parse(_ text: String) throws(SimulatorSpecError) -> ArchiveFault {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw SimulatorSpecError(
                description: "--archive-fault '\(text)': expected GLOB=KIND[,KIND…], such as BTCUSDT=bad-checksum")
        }
        let symbols = String(text[..<equals])
        guard Glob.isValidPattern(symbols) else {
            throw SimulatorSpecError(
                description: "--archive-fault '\(text)': '\(symbols)' is not a symbol glob (A-Z, 0-9, _, -, * and ?)")
        }
        var kinds: Set<Kind> = []
        for name in text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            guard let kind = Kind(rawValue: String(name)) else {
                let names = Kind.allCases.map(\.rawValue)
                let hint = Suggestion.closest(to: String(name), in: names).map { "did you mean '\($0)'? " } ?? ""
                throw SimulatorSpecError(
                    description: "--archive-fault '\(text)': unknown archive fault '\(name)'; \(hint)use \(kindNames)")
            }
            kinds.insert(kind)
        }
        return ArchiveFault(symbols: symbols, kinds: kinds)
    }
}
