/// One row of an A32 or T32 decode table: the Arm ARM's name for the encoding, its instruction
/// set and bit pattern (`EncodingPattern`), and the function that builds the `A32Inst` from the
/// operands the pattern's letters mark. The function reads operands only through `A32Fields`,
/// so a row and its extractor cannot disagree about where a field is.
///
/// AArch32 tables are ordered: the first matching row wins, because the architecture gives
/// some encodings priority over others in one space (the cond = 1111 space, BFC over BFI,
/// the Rd = PC test forms of T32). Every pair of rows that overlap must be named with its reason
/// in the table's `priorities` (checked by DecoderTableTests).
public struct A32Encoding {
    public let name: String
    public let pattern: EncodingPattern
    public let decode: (A32Fields) -> A32Inst

    public init(_ set: InstructionSet, _ name: String, _ pattern: String, _ decode: @escaping (A32Fields) -> A32Inst) {
        self.name = name
        self.pattern = EncodingPattern(set, pattern, name: name)
        self.decode = decode
    }

    @inlinable public func matches(_ w: UInt32) -> Bool { pattern.matches(w) }
}

/// Two overlapping rows of one table and why the earlier one wins (the Arm ARM section).
public struct A32Priority {
    public let earlier: String
    public let later: String
    public let reason: String
    public init(_ earlier: String, over later: String, _ reason: String) {
        self.earlier = earlier; self.later = later; self.reason = reason
    }
}

/// An ordered AArch32 decode table.
public struct A32Table {
    public let group: String
    public let rows: [A32Encoding]
    public let priorities: [A32Priority]

    /// Each row's mask and value, side by side, so that the first-match scan reads 8 bytes a
    /// row and touches a row itself only when it matches.
    let matchers: [(mask: UInt32, value: UInt32)]
    /// An index in front of the scan: the bits most rows fix (`keyMask`, at most
    /// `keyBitLimit` of them) pick a bucket holding, in table order, the rows that can match a
    /// word with those bits, so a decode scans a few rows and not the whole table.
    let keyMask: UInt32
    let bucketStart: [Int]
    let bucketRows: [Int]
    static let keyBitLimit = 10

    public init(_ group: String, _ rows: [A32Encoding], priorities: [A32Priority] = []) {
        self.group = group; self.rows = rows; self.priorities = priorities
        let matchers = rows.map { (mask: $0.pattern.mask, value: $0.pattern.value) }
        self.matchers = matchers
        var fixed = [Int](repeating: 0, count: 32)
        for m in matchers { for b in 0..<32 where m.mask >> b & 1 != 0 { fixed[b] += 1 } }
        let chosen = (0..<32).filter { fixed[$0] > 0 }
            .sorted { fixed[$0] != fixed[$1] ? fixed[$0] > fixed[$1] : $0 > $1 }.prefix(Self.keyBitLimit)
        let keyMask = chosen.reduce(UInt32(0)) { $0 | 1 << UInt32($1) }
        // Each row goes into every bucket its fixed key bits allow, in table order.
        let all = UInt32(1 << chosen.count) - 1
        var buckets = [[Int]](repeating: [], count: 1 << chosen.count)
        for (k, m) in matchers.enumerated() {
            let fixedKey = EncodingPattern.gather(m.mask, keyMask)
            let valueKey = EncodingPattern.gather(m.value, keyMask) & fixedKey
            let free = ~fixedKey & all
            var sub = free
            while true {
                buckets[Int(valueKey | sub)].append(k)
                if sub == 0 { break }
                sub = (sub &- 1) & free
            }
        }
        var start: [Int] = [], list: [Int] = []
        for b in buckets { start.append(list.count); list += b }
        start.append(list.count)
        self.keyMask = keyMask; bucketStart = start; bucketRows = list
    }

    /// The first row that matches `w`.
    public func row(for w: UInt32) -> A32Encoding? {
        let key = Int(EncodingPattern.gather(w, keyMask))
        for n in bucketStart[key]..<bucketStart[key + 1] {
            let k = bucketRows[n]
            if w & matchers[k].mask == matchers[k].value { return rows[k] }
        }
        return nil
    }

    public func decode(_ w: UInt32) -> A32Inst {
        guard let r = row(for: w) else { return A32Inst(.undefined) }
        return r.decode(A32Fields(w, r.pattern))
    }
}

/// The typed operands of one AArch32 encoding, read where its row's pattern puts each letter.
/// The letters follow the Arm ARM's field names:
///
///     c cond   d Rd    n Rn    m Rm    s Rs    a Ra    t Rt    u Rt2   h RdHi  l RdLo
///     i imm (all its pieces, in order)  w a second immediate (widthminus1, msb, sat_imm)
///     r rotate  y stype (shift type)  o opc / op (selects among a row's operations)
///     q opc2    p coproc  k mask (MSR)  x register_list  z size  e mode  f A:I:F
///     and single bits under their own names: S P U W L B R M N H E C I J K
///
/// A letter the row does not use reads as 0.
public struct A32Fields {
    public let word: UInt32
    let pattern: EncodingPattern

    public init(_ word: UInt32, _ pattern: EncodingPattern) { self.word = word; self.pattern = pattern }

    /// Every letter a pattern may use (DecoderTableTests checks each row against it).
    public static let letters: Set<Character> = Set("cdnmsatuhliwryoqpkxzefSPUWLBRMNHECIJK")

    // Letters as ASCII codes (`UInt8(ascii:)` of a literal folds to a constant).
    @inline(__always) func value(_ letter: Unicode.Scalar) -> UInt32 { pattern.operand(UInt8(ascii: letter), of: word) }
    @inline(__always) func flag(_ letter: Unicode.Scalar) -> Bool { value(letter) != 0 }
    @inline(__always) func register(_ letter: Unicode.Scalar) -> UInt8 { UInt8(truncatingIfNeeded: value(letter)) }

    public var cond: UInt8 { register("c") }
    public var rd: UInt8 { register("d") }
    public var rn: UInt8 { register("n") }
    public var rm: UInt8 { register("m") }
    public var rs: UInt8 { register("s") }
    public var ra: UInt8 { register("a") }
    public var rt: UInt8 { register("t") }
    public var rt2: UInt8 { register("u") }
    public var rdHi: UInt8 { register("h") }
    public var rdLo: UInt8 { register("l") }
    public var imm: UInt32 { value("i") }
    /// The bit count of the `i` field (for sign extension).
    public var immBits: UInt32 { UInt32(pattern.bits(of: UInt8(ascii: "i")).nonzeroBitCount) }
    public var imm2: UInt32 { value("w") }
    public var rotate: UInt32 { value("r") }
    public var shiftType: A32Shift { A32Shift(rawValue: UInt8(value("y") & 3)) ?? .lsl }
    public var op: UInt32 { value("o") }
    public var op2: UInt32 { value("q") }
    public var coproc: UInt32 { value("p") }
    public var mask: UInt32 { value("k") }
    public var registers: UInt32 { value("x") }
    public var size: UInt32 { value("z") }
    public var mode: UInt32 { value("e") }
    public var aif: UInt32 { value("f") }
    public var S: Bool { flag("S") }
    public var P: Bool { flag("P") }
    public var U: Bool { flag("U") }
    public var W: Bool { flag("W") }
    public var L: Bool { flag("L") }
    public var B: Bool { flag("B") }
    public var R: Bool { flag("R") }
    public var M: Bool { flag("M") }
    public var N: Bool { flag("N") }
    public var H: Bool { flag("H") }
    public var E: Bool { flag("E") }
    public var C: Bool { flag("C") }
    public var I: Bool { flag("I") }
    public var J: Bool { flag("J") }
    public var K: Bool { flag("K") }

    /// SignExtend of the `i` field shifted left by `scale` (the '0's the manual appends).
    public func signedImm(scale: UInt32) -> UInt32 {
        let n = immBits + scale
        return UInt32(bitPattern: Int32(bitPattern: (imm << scale) << (32 - n)) >> Int32(32 - n))
    }
}
