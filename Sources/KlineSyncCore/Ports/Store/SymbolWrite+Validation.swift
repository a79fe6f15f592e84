extension SymbolWrite {
    /// Refuses a write that does not belong together, before any of it is sent to a database: a symbol name the
    /// exchange rules do not allow, an instrument or a series of another symbol, an empty or inverted range, a
    /// funding rate or mark price that is not a plain decimal.
    ///
    /// Malformed bar decimals are refused by the stores' bulk write paths (`Bar.firstMalformedDecimal(in:)`), batch
    /// by batch, inside the transaction.
    ///
    /// - Throws: `WriteRefusal` saying what is wrong.
    public func validate() throws(WriteRefusal) {
        guard Instrument.isValidSymbol(symbol) else {
            throw WriteRefusal(
                reason: "'\(symbol)' is not a valid symbol name (1–40 characters from A–Z, 0–9, _ and -)")
        }
        if let instrument, instrument.symbol != symbol {
            throw WriteRefusal(reason: "instrument \(instrument.symbol) does not belong to symbol \(symbol)")
        }
        for series in series {
            guard series.key.symbol == symbol, series.key.market == market else {
                throw WriteRefusal(
                    reason: "series \(series.key.market.rawValue) \(series.key) does not belong to this symbol")
            }
            for range in series.deleteRanges + series.emptyRanges where range.isEmpty {
                throw WriteRefusal(reason: "series \(series.key): empty or inverted range \(range.start)…\(range.end)")
            }
        }
        if let funding {
            for range in funding.deleteRanges where range.isEmpty {
                throw WriteRefusal(reason: "funding of \(symbol): empty or inverted range \(range.start)…\(range.end)")
            }
            if let checked = funding.checked, checked.isEmpty {
                throw WriteRefusal(
                    reason: "funding of \(symbol): empty or inverted checked range \(checked.start)…\(checked.end)")
            }
            if let problem = funding.firstMalformedDecimal {
                throw WriteRefusal(reason: "funding of \(symbol): \(problem)")
            }
        }
    }
}
