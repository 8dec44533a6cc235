import Foundation
import XCTest
@testable import ARMCore
import Bus

/// Replays the reference vectors of Vectors/a64-integer.bin and Vectors/a64-fpsimd.bin: one
/// instruction, executed by Unicorn 2.1.4 (QEMU's CPU code, Cortex-A57 model) at EL1 from a
/// random state, and the state it left (scripts/refvectors/README.md). Each test method replays
/// one encoding class and prints a line per group; a failure lists, for the first few vectors
/// of each group, every field that differs (general registers, SP, PC, NZCV, V registers,
/// FPSR, FPCR, window bytes), and fails once at the end with the per-group counts.
///
/// Environment: ARMVM_REFVEC_GROUPS=ls.pair,fp. limits the replay to groups whose name starts
/// with one of the prefixes; ARMVM_REFVEC_DETAILS=N prints N failing vectors per group
/// (default 5).
final class ReferenceVectorTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let fileNames = ["a64-integer.bin", "a64-fpsimd.bin"]
    static let files = Result { try fileNames.map { try ReferenceVectorFile(contentsOf: directory.appendingPathComponent($0)) } }
    static let known = Result { try KnownDifferences(contentsOf: directory.appendingPathComponent("KNOWN_DIFFERENCES.md")) }

    /// Which test method replays a group: by the start of its name.
    static let classes: [(method: String, prefixes: [String])] = [
        ("testDataProcessingImmediate", ["dpimm."]), ("testDataProcessingRegister", ["dpreg."]),
        ("testBranches", ["branch."]), ("testLoadsAndStores", ["ls."]), ("testSystem", ["system"]),
        ("testFloatingPoint", ["fp."]), ("testAdvancedSIMD", ["asimd."]),
        ("testSIMDLoadsAndStores", ["simdls."]), ("testCRC32AndCryptography", ["crc32", "crypto."]),
    ]

    func testDataProcessingImmediate() throws { try replay(prefixes: ["dpimm."]) }
    func testDataProcessingRegister() throws { try replay(prefixes: ["dpreg."]) }
    func testBranches() throws { try replay(prefixes: ["branch."]) }
    func testLoadsAndStores() throws { try replay(prefixes: ["ls."]) }
    func testSystem() throws { try replay(prefixes: ["system"]) }
    func testFloatingPoint() throws { try replay(prefixes: ["fp."]) }
    func testAdvancedSIMD() throws { try replay(prefixes: ["asimd."]) }
    func testSIMDLoadsAndStores() throws { try replay(prefixes: ["simdls."]) }
    func testCRC32AndCryptography() throws { try replay(prefixes: ["crc32", "crypto."]) }

    /// The files are the ones this reader expects, every group is replayed by one of the methods
    /// above, group ids are unique across the files, there are at least 500,000 vectors, and
    /// every documented difference names a vector that exists.
    func testFileAndKnownDifferences() throws {
        let files = try Self.files.get(), known = try Self.known.get()
        var byName: [String: UInt8] = [:]
        var present = Set<KnownDifferences.Key>()
        var total = 0
        for file in files {
            XCTAssertEqual(file.layout, ReplayMachine.layout)
            XCTAssertTrue(file.reference.hasPrefix("unicorn "), file.reference)
            for (id, name) in file.groupNames {
                let owners = Self.classes.filter { c in c.prefixes.contains { name.hasPrefix($0) } }
                XCTAssertEqual(owners.count, 1, "group \(name) is replayed by no test or by two")
                XCTAssertNil(byName[name], "group \(name) is in two files")
                byName[name] = id
            }
            for v in file.vectors { present.insert(.init(group: v.group, word: v.word, seed: v.seed)) }
            total += file.vectors.count
            print("reference vectors: \(file.vectors.count) from \(file.reference) (\(file.cpuModel)), generated with "
                  + "\(file.generatorArguments)")
        }
        XCTAssertEqual(Set(byName.values).count, byName.count, "a group id is used twice")
        XCTAssertGreaterThanOrEqual(total, 500_000)
        // The AArch32 rows belong to the A32, T32 and VFP files (their own replays).
        let aarch32 = ["a32.", "t16.", "t32.", "vfp."]
        for entry in known.entries where !aarch32.contains(where: { entry.group.hasPrefix($0) }) {
            guard let id = byName[entry.group] else {
                XCTFail("KNOWN_DIFFERENCES.md: no group \(entry.group)")
                continue
            }
            XCTAssertTrue(present.contains(.init(group: id, word: entry.word, seed: entry.seed)),
                          String(format: "KNOWN_DIFFERENCES.md: no vector %@ 0x%08x seed 0x%016llx in the files",
                                 entry.group, entry.word, entry.seed))
        }
        print("reference vectors: \(total) in all; \(known.entries.count) documented differences")
    }

    /// The seed-to-state derivation matches scripts/refvectors/refstate.py (values printed by
    /// that file for seed 0x0123456789ABCDEF and for seed 16), and splitmix64 the published
    /// sequence.
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
        // The FP state after the window, for each profile: V0, V1, V2, V31 (high, low), FPCR.
        let expected: [(UInt8, [(UInt64, UInt64)], UInt64)] = [
            (0, [(0x0019_F041_03DC_6D2A, 0x84B3_387A_92BA_8B80), (0x22BC_47B3_2629_5488, 0x0C16_561E_E7D2_657F),
                 (0x9ACE_84A8_20E3_9621, 0x2CC7_EE5C_12FE_7DCC), (0xFFFA_78E8_7177_AD50, 0x7FFF_FFFF_FFFF_FFFF)], 0x0580_0000),
            (1, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x54DC_7801_7A2A_3E00, 0x7801_6138_9D7A_8000),
                 (0xB800_BD65_7FFF_ACF9, 0x0000_D619_FFF0_FB41), (0x7DF1_FFF4_FBFF_7EB8, 0x32B2_FC00_FDDB_5C00)], 0x0500_0000),
            (2, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x4F80_0001_3725_6138, 0x5302_9D7A_8000_0000),
                 (0x7FE5_3903_21AA_54DC, 0x4F80_0001_BE79_7A2A), (0x8080_0000, 0x0000_0008_FF21_93D4)], 0),
            (3, [(0x0FE4_438B_E2C7_628B, 0x8000_0000_0000_0000), (0x0C3E_C669_5302_9D7A, 0x8000_0000_0000_0000),
                 (0x1EE7_D265_7FF9_0019, 0xF041_03DC_6D2A_84B3), (0x40F0_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFE)], 0),
            (4, [(0x0106_192B_4445_0244, 0x1B08_122A_122B_403C), (0x4733_0E01_3418_1416, 0x2E3E_0712_0509_093C),
                 (0x0818_231E_2934_071E, 0x0C42_3E1D_0402_3A0C), (0x400B_0923_093A_0235, 0x3B28_3327_1724_2533)], 0x0600_0000),
        ]
        for (profile, regs, fpcr) in expected {
            let s = ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, profile: profile, layout: ReplayMachine.layout, window: window)
            for (k, n) in [0, 1, 2, 31].enumerated() {
                XCTAssertEqual(s.vHigh[n], regs[k].0, "profile \(profile) V\(n) high")
                XCTAssertEqual(s.vLow[n], regs[k].1, "profile \(profile) V\(n) low")
            }
            XCTAssertEqual(s.fpcr, fpcr, "profile \(profile) FPCR")
            XCTAssertEqual(s.fpsr, 0, "profile \(profile) FPSR")
        }
        let s16 = ReferenceInitialState(seed: 16, profile: 3, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(s16.fpcr, 0x0500_0000)
        XCTAssertEqual(s16.fpsr, 0x0800_0006)
        XCTAssertEqual([s16.vHigh[5], s16.vLow[5], s16.vHigh[17], s16.vLow[17]],
                       [0x29C2_0380_3756_2F05, 0xAC62_120B_FF53_07C4, 0x805E_7F27_770D_924D, 0xB881_1AFA_5716_3187])
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
        /// How many failing vectors differ in each kind of field ("V", "FPSR", "X", "mem" ...).
        var fields: [String: Int] = [:]
    }

    func replay(prefixes: [String], file path: StaticString = #filePath, line: UInt = #line) throws {
        let files = try Self.files.get(), known = try Self.known.get()
        let env = ProcessInfo.processInfo.environment
        let only = env["ARMVM_REFVEC_GROUPS"].map { $0.split(separator: ",").map(String.init) }
        let details = env["ARMVM_REFVEC_DETAILS"].flatMap { Int($0) } ?? 5

        var groups: [UInt8: String] = [:]
        for file in files {
            XCTAssertEqual(file.layout, ReplayMachine.layout, "the vectors were made for another memory layout")
            for (id, name) in file.groupNames where prefixes.contains(where: { name.hasPrefix($0) })
                && (only.map { o in o.contains { name.hasPrefix($0) } } ?? true) {
                groups[id] = name
            }
        }
        guard !groups.isEmpty else { return }
        var knownIDs = Set<KnownDifferences.Key>()
        for (id, name) in groups {
            for e in known.entries where e.group == name { knownIDs.insert(.init(group: id, word: e.word, seed: e.seed)) }
        }
        let machine = ReplayMachine()
        var results: [UInt8: GroupResult] = [:]
        for id in groups.keys { results[id] = GroupResult() }
        let start = Date()
        for file in files {
            for v in file.vectors where groups[v.group] != nil {
                if knownIDs.contains(.init(group: v.group, word: v.word, seed: v.seed)) {
                    results[v.group]!.skipped += 1
                    continue
                }
                // Describe the differences in words only for the vectors that will be printed.
                machine.describe = results[v.group]!.failed < details
                let diffs = machine.run(v)
                if diffs.isEmpty {
                    results[v.group]!.passed += 1
                    continue
                }
                results[v.group]!.failed += 1
                for d in Set(diffs.map(\.field)) { results[v.group]!.fields[d, default: 0] += 1 }
                if results[v.group]!.failed <= details {
                    print(String(format: "MISMATCH %@ word 0x%08x seed 0x%016llx: ", groups[v.group]!, v.word, v.seed)
                          + diffs.map(\.text).joined(separator: "; "))
                    print(String(format: "  python3 scripts/refvectors/dump.py --word 0x%08x --seed 0x%016llx", v.word, v.seed))
                }
            }
        }
        let elapsed = Date().timeIntervalSince(start)

        var failedGroups: [String] = []
        var totals = GroupResult()
        for (id, name) in groups.sorted(by: { $0.key < $1.key }) {
            let r = results[id]!
            totals.passed += r.passed; totals.failed += r.failed; totals.skipped += r.skipped
            var text = "reference vectors \(name): \(r.passed) passed, \(r.failed) failed, \(r.skipped) known differences"
            if r.failed > 0 {
                text += " (fields: " + r.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
                failedGroups.append("\(name) \(r.failed)/\(r.passed + r.failed)")
            }
            print(text)
        }
        print(String(format: "reference vectors %@: %d passed, %d failed, %d known differences, replayed in %.2f s",
                     prefixes.joined(separator: ","), totals.passed, totals.failed, totals.skipped, elapsed))
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
    /// Whether run() writes out each difference (slow) or only names its field.
    var describe = true

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

    struct Difference {
        /// The kind of field, for the per-group summary: X, SP, PC, NZCV, V, FPSR, FPCR, mem, XZR.
        var field: String
        var text: String
    }

    /// A difference: its text is built only when `describe` is set.
    func diff(_ field: String, _ text: @autoclosure () -> String) -> Difference {
        Difference(field: field, text: describe ? text() : "")
    }

    static func hex128(_ high: UInt64, _ low: UInt64) -> String { String(format: "0x%016llx_%016llx", high, low) }

    /// Execute one vector; returns each field that differs.
    @_optimize(speed)
    func run(_ v: ReferenceVectorFile.Vector) -> [Difference] {
        // The window is never executed, so it is written straight into RAM; the instruction goes
        // through the bus, which drops the decoded copy of the previous one.
        var s = ReferenceInitialState(seed: v.seed, profile: v.profile, layout: Self.layout, window: window)
        for o in v.initial {
            if o.reg == 32 { s.pc = o.value } else if o.reg < 32 { s.regs[Int(o.reg)] = o.value }
        }
        expected.copyMemory(from: window, byteCount: windowSize)
        for m in v.memory where Int(m.offset) < windowSize {
            expected.storeBytes(of: m.value, toByteOffset: Int(m.offset), as: UInt8.self)
        }

        cpu.boot(entry: s.pc, el: 1)
        cpu.exclusiveValid = false
        cpu.eventRegister = false
        cpu.waiting = false
        cpu.attention = false
        cpu.stopRequest = nil
        cpu.sysregs[SysReg.ESR_EL1] = 0
        // Unicorn runs its EL1 with FP and Advanced SIMD enabled: CPACR_EL1.FPEN = 0b11.
        cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
        for r in 0..<31 { cpu.x[r] = s.regs[r] }
        cpu.x[Int(Reg.sp)] = s.regs[31]
        cpu.nzcv = s.nzcv
        for n in 0..<32 { cpu.setV(UInt8(n), low: s.vLow[n], high: s.vHigh[n]) }
        cpu.fpcr = s.fpcr
        cpu.fpsr = s.fpsr
        _ = bus.write(s.pc, size: 4, value: UInt64(v.word))
        cpu.step()
        _ = bus.write(s.pc, size: 4, value: 0)

        var want = s.regs
        for r in v.registers where r.reg < 32 { want[Int(r.reg)] = r.value }
        var diffs: [Difference] = []
        for r in 0..<32 {
            let got = r == 31 ? cpu.x[Int(Reg.sp)] : cpu.x[r]
            if got != want[r] {
                diffs.append(diff(r == 31 ? "SP" : "X", String(
                    format: "%@ expected 0x%016llx actual 0x%016llx (initial 0x%016llx)",
                    Self.regName(r), want[r], got, s.regs[r])))
            }
        }
        let wantPC = v.pc ?? (s.pc &+ 4)
        if cpu.pc != wantPC {
            let esr = cpu.sysregs[SysReg.ESR_EL1]
            diffs.append(diff("PC", String(format: "PC expected 0x%llx actual 0x%llx", wantPC, self.cpu.pc)
                              + (esr != 0 ? String(format: " (exception taken, ESR_EL1 0x%llx, EC 0x%llx)", esr, esr >> 26) : "")))
        }
        if cpu.nzcv & 0xF000_0000 != v.nzcv {
            diffs.append(diff("NZCV", String(format: "NZCV expected %x actual %x (initial %x)",
                                                            v.nzcv >> 28, cpu.nzcv >> 28, s.nzcv >> 28)))
        }
        if cpu.x[Int(Reg.zr)] != 0 {
            diffs.append(diff("XZR", String(format: "the zero register holds 0x%llx", cpu.x[Int(Reg.zr)])))
        }
        var wantLow = s.vLow, wantHigh = s.vHigh
        for r in v.v { wantLow[Int(r.reg)] = r.low; wantHigh[Int(r.reg)] = r.high }
        for n in 0..<32 {
            let low = cpu.vLow(UInt8(n)), high = cpu.vHigh(UInt8(n))
            if low != wantLow[n] || high != wantHigh[n] {
                diffs.append(diff("V", "V\(n) expected \(Self.hex128(wantHigh[n], wantLow[n])) actual "
                                   + "\(Self.hex128(high, low)) (initial \(Self.hex128(s.vHigh[n], s.vLow[n])))"))
            }
        }
        let wantFPSR = v.fpsr.map { UInt64($0) } ?? s.fpsr
        if cpu.fpsr != wantFPSR {
            diffs.append(diff("FPSR", String(format: "FPSR expected 0x%08llx actual 0x%08llx (initial 0x%08llx, FPCR 0x%08llx)",
                                                            wantFPSR, cpu.fpsr, s.fpsr, s.fpcr)))
        }
        if cpu.fpcr != s.fpcr {
            diffs.append(diff("FPCR", String(format: "FPCR expected 0x%08llx (unchanged) actual 0x%08llx", s.fpcr, cpu.fpcr)))
        }
        if memcmp(expected, window, windowSize) != 0 && !describe {
            diffs.append(diff("mem", ""))
        } else if memcmp(expected, window, windowSize) != 0 {
            var shown = 0, count = 0
            var text: [String] = []
            for k in 0..<windowSize {
                let e = expected.load(fromByteOffset: k, as: UInt8.self), a = window.load(fromByteOffset: k, as: UInt8.self)
                if e == a { continue }
                count += 1
                if shown < 16 {
                    text.append(String(format: "mem[window+0x%03x] expected %02x actual %02x", k, e, a))
                    shown += 1
                }
            }
            if count > shown { text.append("\(count - shown) more window bytes differ") }
            diffs.append(diff("mem", text.joined(separator: "; ")))
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
