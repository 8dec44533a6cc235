import ArgumentParser
import ARMCore
import Board

/// `armvm decode` (hidden): reads instruction words (hex, one a line) from standard input and
/// prints, for each, the word and the decode-table row armvm executes it with ("table: row"),
/// or UNDEFINED. Used by scripts/refvectors/crosscheck.py and scripts/refvectors/coverage.py.
/// With `--isa a32` or `t32` the row is the AArch32 operation the decoder produces ("a32: ldr");
/// a T32 word is a 16-bit instruction in bits 15:0, or hw1 << 16 | hw2.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Name the decode-table row of each instruction word read from standard input.",
        shouldDisplay: false)

    @Flag(help: "Print every row of every decode table instead (\"table: row\").")
    var listRows = false

    @Option(help: "Instruction set: a64, a32 or t32.")
    var isa: String = "a64"

    func run() throws {
        guard ["a64", "a32", "t32"].contains(isa) else { throw HostInputError("decode: --isa must be a64, a32 or t32") }
        let tables = A64Decoder.tables
        if listRows && isa != "a64" {
            for raw in UInt8(1)...UInt8.max {
                guard let op = A32Op(rawValue: raw) else { break }
                print("a32: \(op)")
            }
            return
        }
        if listRows {
            for t in tables { for row in t.rows { print("\(t.group): \(row.name)") } }
            return
        }
        var out = ""
        out.reserveCapacity(1 << 16)
        while let line = readLine(strippingNewline: true) {
            let text = line.hasPrefix("0x") ? line.dropFirst(2) : Substring(line)
            guard let w = UInt32(text.trimmingCharactersInWhitespace(), radix: 16) else {
                throw HostInputError("decode: not a hex word: \(line)")
            }
            let row = isa == "a64" ? Self.rowName(w, tables) : Self.aarch32RowName(w, thumb: isa == "t32")
            out += String(w, radix: 16).leftPadded(8) + " " + row + "\n"
            if out.utf8.count > 60_000 { print(out, terminator: ""); out = "" }
        }
        print(out, terminator: "")
    }

    /// The AArch32 operation of a word, or UNDEFINED.
    static func aarch32RowName(_ w: UInt32, thumb: Bool) -> String {
        let i: A32Inst
        if !thumb {
            i = A32Decoder.decode(w)
        } else if w >> 16 == 0 {
            i = T32Decoder.decode16(UInt16(truncatingIfNeeded: w))
        } else {
            i = T32Decoder.decode32(UInt16(truncatingIfNeeded: w >> 16), UInt16(truncatingIfNeeded: w))
        }
        return i.op == .undefined ? "UNDEFINED" : "a32: \(i.op)"
    }

    /// The first row that matches and does not decode to UNDEFINED (rows sort out their own
    /// unallocated sub-cases), provided the top-level decoder allocates the word at all.
    static func rowName(_ w: UInt32, _ tables: [(group: String, rows: [Encoding])]) -> String {
        if A64Decoder.decode(w).group == .undefined { return "UNDEFINED" }
        for t in tables {
            for row in t.rows where row.matches(w) && row.decode(w).group != .undefined {
                return "\(t.group): \(row.name)"
            }
        }
        return "UNDEFINED"
    }
}

extension Substring {
    func trimmingCharactersInWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return s
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
