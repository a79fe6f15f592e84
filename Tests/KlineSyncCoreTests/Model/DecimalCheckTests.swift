import KlineSyncCore
import Testing

/// The byte-level decimal check the stores' bulk write paths use must accept and refuse exactly what
/// `DecimalText.isValid` does.
@Suite struct DecimalCheckTests {
    static let samples = [
        "0", "1.0", "0.00001000", "123456789.12345678", "-0.5", ".5", "5.", "-.5", "007", "", "-", ".", "-.",
        "1.2.3", "1e5", "1E-5", " 1", "1 ", "+1", "--1", "1-", "0x10", "١", "NaN", "∞", "1,5",
    ]

    @Test(arguments: samples)
    func agreesWithDecimalText(text: String) {
        var bytes = text
        let checked = bytes.withUTF8 { DecimalText.isValid(utf8: $0) }
        #expect(checked == DecimalText.isValid(text))
    }
}
