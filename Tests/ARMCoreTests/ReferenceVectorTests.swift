import Foundation
import XCTest
@testable import ARMCore
import Bus

/// Replays the reference vectors of Vectors/a64-integer.bin: one instruction, executed by
/// Unicorn 2.1.4 (QEMU's CPU code, Cortex-A57 model) at EL1 from a random state, and the state
/// it left (scripts/refvectors/README.md). Each test method replays one encoding class and
/// prints a line per group; a failure lists, for the first few vectors of each group, every
/// field that differs, and fails once at the end with the per-group counts.
///
/// Environment: ARMVM_REFVEC_GROUPS=ls.pair,branch limits the replay to groups whose name
/// starts with one of the prefixes; ARMVM_REFVEC_DETAILS=N prints N failing vectors per group
/// (default 5).
final class ReferenceVectorTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let file = Result { try ReferenceVectorFile(contentsOf: directory.appendingPathComponent("a64-integer.bin")) }
    static let known = Result { try KnownDifferences(contentsOf: directory.appendingPathComponent("KNOWN_DIFFERENCES.md")) }

    func testDataProcessingImmediate() throws { try replay(prefix: "dpimm.") }
    func testDataProcessingRegister() throws { try replay(prefix: "dpreg.") }
    func testBranches() throws { try replay(prefix: "branch.") }
    func testLoadsAndStores() throws { try replay(prefix: "ls.") }
    func testSystem() throws { try replay(prefix: "system") }

    /// The file is the one this reader expects, every group is replayed by one of the methods
    /// above, and every documented difference names a vector that exists.
    func testFileAndKnownDifferences() throws {
        let file = try Self.file.get(), known = try Self.known.get()
        XCTAssertEqual(file.layout, ReplayMachine.layout)
        XCTAssertTrue(file.reference.hasPrefix("unicorn "), file.reference)
        let prefixes = ["dpimm.", "dpreg.", "branch.", "ls.", "system"]
        for name in file.groupNames.values {
            XCTAssertEqual(prefixes.filter { name.hasPrefix($0) }.count, 1, "group \(name) is replayed by no test or by two")
        }
        var byName: [String: UInt8] = [:]
        for (id, name) in file.groupNames { byName[name] = id }
        var present = Set<KnownDifferences.Key>()
        for v in file.vectors { present.insert(.init(group: v.group, word: v.word, seed: v.seed)) }
        for entry in known.entries {
            guard let id = byName[entry.group] else {
                XCTFail("KNOWN_DIFFERENCES.md: no group \(entry.group)")
                continue
            }
            XCTAssertTrue(present.contains(.init(group: id, word: entry.word, seed: entry.seed)),
                          String(format: "KNOWN_DIFFERENCES.md: no vector %@ 0x%08x seed 0x%016llx in the file",
                                 entry.group, entry.word, entry.seed))
        }
        print("reference vectors: \(file.vectors.count) from \(file.reference) (\(file.cpuModel)), generated with "
              + "\(file.generatorArguments); \(known.entries.count) documented differences")
    }

    /// The seed-to-state derivation matches scripts/refvectors/refstate.py (values printed by
    /// that file for seed 0x0123456789ABCDEF), and splitmix64 the published sequence.
    func testInitialStateMatchesTheGenerator() {
        var r = SplitMix64(seed: 0)
        XCTAssertEqual([r.next(), r.next(), r.next()], [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        let window = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { window.deallocate() }
        let s = ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(Array(s.regs[0..<4]), [0x80000, 0xFFFF_F000_0000_0000, 0x1B, 0x8931_545F_4F9E_A651])
        XCTAssertEqual(s.regs[30], 0xC798_41F4_A60C_9B64)
        XCTAssertEqual(s.regs[31], 0x7FFF_FFFF_FFFF_FFFF)
        XCTAssertEqual(s.nzcv, 0xA000_0000)
        XCTAssertEqual(s.pc, 0x400F_1168)
        XCTAssertEqual(window.load(as: UInt64.self), UInt64(bigEndian: 0x9EF7_0D99_35B0_F9FF))
        XCTAssertEqual(window.load(fromByteOffset: 4088, as: UInt64.self), UInt64(bigEndian: 0x681E_CEDE_63BA_02A8))
        XCTAssertEqual(UnsafeRawBufferPointer(start: window, count: 4096).reduce(0) { $0 + Int($1) }, 514_804)
    }

    func testKnownDifferencesTableIsParsed() {
        let text = """
            | group | word | seed | pseudocode | Unicorn |
            |---|---|---|---|---|
            | ls.uimm | `0xf9400423` | `0x00000000000000ff` | ... | ... |
            | not a row | word | seed |
            """
        let k = KnownDifferences(text: text)
        XCTAssertEqual(k.entries.count, 1)
        XCTAssertEqual(k.entries.first?.group, "ls.uimm")
        XCTAssertEqual(k.entries.first?.word, 0xF940_0423)
        XCTAssertEqual(k.entries.first?.seed, 0xFF)
    }

    // MARK: - Replay

    struct GroupResult {
        var passed = 0, failed = 0, skipped = 0
    }

    func replay(prefix: String, file path: StaticString = #filePath, line: UInt = #line) throws {
        let file = try Self.file.get(), known = try Self.known.get()
        XCTAssertEqual(file.layout, ReplayMachine.layout, "the vectors were made for another memory layout")
        let env = ProcessInfo.processInfo.environment
        let only = env["ARMVM_REFVEC_GROUPS"].map { $0.split(separator: ",").map(String.init) }
        let details = env["ARMVM_REFVEC_DETAILS"].flatMap { Int($0) } ?? 5
        var knownIDs = Set<KnownDifferences.Key>()
        for (id, name) in file.groupNames {
            for e in known.entries where e.group == name { knownIDs.insert(.init(group: id, word: e.word, seed: e.seed)) }
        }

        let groups = file.groupNames.filter { id, name in
            name.hasPrefix(prefix) && (only.map { o in o.contains { name.hasPrefix($0) } } ?? true)
        }
        guard !groups.isEmpty else { return }
        let machine = ReplayMachine()
        var results: [UInt8: GroupResult] = [:]
        for id in groups.keys { results[id] = GroupResult() }
        let start = Date()
        for v in file.vectors where groups[v.group] != nil {
            if knownIDs.contains(.init(group: v.group, word: v.word, seed: v.seed)) {
                results[v.group]!.skipped += 1
                continue
            }
            let diffs = machine.run(v)
            if diffs.isEmpty {
                results[v.group]!.passed += 1
                continue
            }
            results[v.group]!.failed += 1
            if results[v.group]!.failed <= details {
                print(String(format: "MISMATCH %@ word 0x%08x seed 0x%016llx: ", groups[v.group]!, v.word, v.seed)
                      + diffs.joined(separator: "; "))
            }
        }
        let elapsed = Date().timeIntervalSince(start)

        var failedGroups: [String] = []
        for (id, name) in groups.sorted(by: { $0.key < $1.key }) {
            let r = results[id]!
            print("reference vectors \(name): \(r.passed) passed, \(r.failed) failed, \(r.skipped) known differences")
            if r.failed > 0 { failedGroups.append("\(name) \(r.failed)/\(r.passed + r.failed)") }
        }
        print(String(format: "reference vectors %@*: replayed in %.2f s", prefix, elapsed))
        if !failedGroups.isEmpty {
            XCTFail("reference vectors failed: " + failedGroups.joined(separator: ", ")
                    + " (python3 scripts/refvectors/dump.py --word W --seed S shows a vector)", file: path, line: line)
        }
    }
}

/// One CPU at EL1 on the vectors' RAM, reset between vectors.
final class ReplayMachine {
    static let layout = ReferenceVectorFile.Layout(ramBase: 0x4000_0000, ramSize: 0x40_0000,
                                                   windowBase: 0x4010_0000, windowSize: 0x1000)
    let bus: PhysicalAddressSpace
    let cache: DecodeCache
    let cpu: CPU
    let window: UnsafeMutableRawPointer
    let expected: UnsafeMutableRawPointer
    let windowSize: Int

    init() {
        let l = Self.layout
        bus = PhysicalAddressSpace(ramBase: l.ramBase, ramSize: l.ramSize)!
        cache = DecodeCache(bus: bus)
        cpu = CPU(index: 0, bus: bus, decodeCache: cache, hasEL2: false, config: CPUConfig())
        windowSize = Int(l.windowSize)
        window = bus.ramPointer(l.windowBase, size: windowSize)!
        expected = .allocate(byteCount: windowSize, alignment: 16)
    }

    deinit { expected.deallocate() }

    static func regName(_ r: Int) -> String { r == 31 ? "SP" : "X\(r)" }

    /// Execute one vector; returns a description of each field that differs.
    func run(_ v: ReferenceVectorFile.Vector) -> [String] {
        // The window is never executed, so it is written straight into RAM; the instruction goes
        // through the bus, which drops the decoded copy of the previous one.
        var s = ReferenceInitialState(seed: v.seed, layout: Self.layout, window: window)
        for o in v.initial {
            if o.reg == 32 { s.pc = o.value } else { s.regs[Int(o.reg)] = o.value }
        }
        expected.copyMemory(from: window, byteCount: windowSize)
        for m in v.memory { expected.storeBytes(of: m.value, toByteOffset: Int(m.offset), as: UInt8.self) }

        cpu.boot(entry: s.pc, el: 1)
        cpu.exclusiveValid = false
        cpu.eventRegister = false
        cpu.waiting = false
        cpu.attention = false
        cpu.stopRequest = nil
        cpu.sysregs[SysReg.ESR_EL1] = 0
        for r in 0..<31 { cpu.x[r] = s.regs[r] }
        cpu.x[Int(Reg.sp)] = s.regs[31]
        cpu.nzcv = s.nzcv
        _ = bus.write(s.pc, size: 4, value: UInt64(v.word))
        cpu.step()
        _ = bus.write(s.pc, size: 4, value: 0)

        var want = s.regs
        for r in v.registers { want[Int(r.reg)] = r.value }
        var diffs: [String] = []
        for r in 0..<32 {
            let got = r == 31 ? cpu.x[Int(Reg.sp)] : cpu.x[r]
            if got != want[r] {
                diffs.append(String(format: "%@ expected 0x%016llx actual 0x%016llx (initial 0x%016llx)",
                                    Self.regName(r), want[r], got, s.regs[r]))
            }
        }
        if cpu.pc != v.pc {
            var d = String(format: "PC expected 0x%llx actual 0x%llx", v.pc, cpu.pc)
            let esr = cpu.sysregs[SysReg.ESR_EL1]
            if esr != 0 { d += String(format: " (exception taken, ESR_EL1 0x%llx, EC 0x%llx)", esr, esr >> 26) }
            diffs.append(d)
        }
        if cpu.nzcv & 0xF000_0000 != v.nzcv {
            diffs.append(String(format: "NZCV expected %x actual %x (initial %x)", v.nzcv >> 28, cpu.nzcv >> 28, s.nzcv >> 28))
        }
        if cpu.x[Int(Reg.zr)] != 0 {
            diffs.append(String(format: "the zero register holds 0x%llx", cpu.x[Int(Reg.zr)]))
        }
        if memcmp(expected, window, windowSize) != 0 {
            var shown = 0, count = 0
            for k in 0..<windowSize {
                let e = expected.load(fromByteOffset: k, as: UInt8.self), a = window.load(fromByteOffset: k, as: UInt8.self)
                if e == a { continue }
                count += 1
                if shown < 16 {
                    diffs.append(String(format: "mem[window+0x%03x] expected %02x actual %02x", k, e, a))
                    shown += 1
                }
            }
            if count > shown { diffs.append("\(count - shown) more window bytes differ") }
        }
        return diffs
    }
}

/// The vectors that Tests/ARMCoreTests/Vectors/KNOWN_DIFFERENCES.md lists as cases where
/// Unicorn departs from the Arm ARM: its table rows `| group | 0xWORD | 0xSEED | ... |`.
struct KnownDifferences {
    struct Key: Hashable {
        var group: UInt8, word: UInt32, seed: UInt64
    }

    struct Entry {
        var group: String, word: UInt32, seed: UInt64
    }

    var entries: [Entry] = []

    init(contentsOf url: URL) throws {
        self.init(text: try String(contentsOf: url, encoding: .utf8))
    }

    init(text: String) {
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cols = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            guard cols.count >= 4, cols[2].hasPrefix("0x"), cols[3].hasPrefix("0x"),
                  let word = UInt32(cols[2].dropFirst(2), radix: 16), let seed = UInt64(cols[3].dropFirst(2), radix: 16)
            else { continue }
            entries.append(Entry(group: cols[1], word: word, seed: seed))
        }
    }
}
