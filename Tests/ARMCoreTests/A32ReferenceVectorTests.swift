import Foundation
import XCTest
@testable import ARMCore
import Bus

/// Replays the A32 reference vectors of Vectors/a32-integer.bin: one A32 instruction, executed
/// by Unicorn 2.1.4 (QEMU's ARM CPU code, Cortex-A15 model) in SVC mode from a random state, and
/// the state it left (scripts/refvectors/README.md). Each vector runs on a CPU booted in AArch32
/// SVC mode at EL1; R0-R14, PC, NZCV, Q, GE, T and the window are compared, and the CPU must
/// stay in SVC mode with every other X slot (the other modes' banked registers) untouched.
///
/// Each test method replays one class of groups and prints a line per group; a failure lists,
/// for the first few vectors of each group, the encoding and every field that differs, and
/// fails once at the end with the per-group counts. ARMVM_REFVEC_GROUPS=a32.ls.,a32.mul limits
/// the replay to groups whose name starts with one of the prefixes; ARMVM_REFVEC_DETAILS=N
/// prints N failing vectors per group (default 5).
final class A32ReferenceVectorTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let file = Result { try A32ReferenceVectorFile(contentsOf: directory.appendingPathComponent("a32-integer.bin")) }
    static let known = Result { try KnownDifferences(contentsOf: directory.appendingPathComponent("KNOWN_DIFFERENCES.md")) }

    /// Which test method replays a group: by the start of its name.
    static let classes: [(method: String, prefixes: [String])] = [
        ("testDataProcessing", ["a32.dp.", "a32.movw"]),
        ("testMultiplyAndDivide", ["a32.mul", "a32.div"]),
        ("testSaturatingParallelAndMisc", ["a32.sat", "a32.parallel", "a32.extend", "a32.pack", "a32.bitfield", "a32.clz"]),
        ("testLoadsAndStores", ["a32.ls."]),
        ("testBranches", ["a32.branch."]),
        ("testStatusAndHints", ["a32.status", "a32.hint"]),
    ]

    func testDataProcessing() throws { try replay(Self.classes[0].prefixes) }
    func testMultiplyAndDivide() throws { try replay(Self.classes[1].prefixes) }
    func testSaturatingParallelAndMisc() throws { try replay(Self.classes[2].prefixes) }
    func testLoadsAndStores() throws { try replay(Self.classes[3].prefixes) }
    func testBranches() throws { try replay(Self.classes[4].prefixes) }
    func testStatusAndHints() throws { try replay(Self.classes[5].prefixes) }

    /// The file is the one this reader expects, every group is replayed by exactly one method,
    /// there are at least 60,000 vectors, and every documented A32 difference names a vector
    /// that exists.
    func testFileAndKnownDifferences() throws {
        try AArch32VectorReplay.checkFile(try Self.file.get(), known: try Self.known.get(), kind: .a32,
                                          cpuModel: "cortex-a15", classes: Self.classes, minimum: 60_000,
                                          perGroup: 2000, prefix: "a32.", fileName: "a32-integer.bin")
    }

    /// The seed-to-state derivation matches scripts/refvectors/refstate32.py (the values
    /// `python3 scripts/refvectors/refstate32.py` prints).
    func testInitialStateMatchesTheGenerator() {
        let window = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { window.deallocate() }
        let s = A32ReferenceInitialState(seed: 0x0123_4567_89AB_CDEF, layout: ReplayMachine.layout, window: window)
        XCTAssertEqual(Array(s.r[0..<4]), [0x7FFF_8000, 0x4667, 0xFFFF_FFFF, 0x4F9E_A651])
        XCTAssertEqual(s.r[13], 0x4010_03DD)
        XCTAssertEqual(s.r[14], 0x0180_8080)
        XCTAssertEqual(s.nzcv, 0)
        XCTAssertTrue(s.q)
        XCTAssertEqual(s.ge, 2)
        XCTAssertEqual(s.pc, 0x4000_D3DC)
        XCTAssertEqual(window.load(as: UInt64.self), UInt64(bigEndian: 0x488F_BB24_078B_2286))
        XCTAssertEqual(window.load(fromByteOffset: 4088, as: UInt64.self), UInt64(bigEndian: 0xFBC8_268D_D3F7_9108))
        XCTAssertEqual(UnsafeRawBufferPointer(start: window, count: 4096).reduce(0) { $0 + Int($1) }, 516_749)
        var total: UInt64 = 0
        for seed in UInt64(0)..<2000 {
            let t = A32ReferenceInitialState(seed: seed, layout: ReplayMachine.layout, window: window)
            total &+= t.r.reduce(0) { $0 &+ UInt64($1) } &+ UInt64(t.nzcv) &+ (t.q ? 1 : 0) &+ UInt64(t.ge) &+ UInt64(t.pc)
        }
        XCTAssertEqual(total, 0x3451_6ECF_8002, "every case of refstate32.value32")
    }

    func replay(_ prefixes: [String], file path: StaticString = #filePath, line: UInt = #line) throws {
        try AArch32VectorReplay.replay(try Self.file.get(), known: try Self.known.get(), prefixes: prefixes,
                                       file: path, line: line)
    }
}

/// What the A32, T32 and VFP replays share: the file checks and the replay loop.
enum AArch32VectorReplay {
    /// The file is of `kind`, from `cpuModel`, every group is replayed by exactly one of
    /// `classes` and has at least `perGroup` vectors, there are at least `minimum` vectors, and
    /// every documented difference of a group starting with `prefix` names a vector that exists.
    static func checkFile(_ file: A32ReferenceVectorFile, known: KnownDifferences, kind: A32ReferenceVectorFile.Kind,
                          cpuModel: String, classes: [(method: String, prefixes: [String])], minimum: Int,
                          perGroup: Int, prefix: String, fileName: String) throws {
        XCTAssertEqual(file.kind, kind)
        XCTAssertEqual(file.layout, ReplayMachine.layout)
        XCTAssertTrue(file.reference.hasPrefix("unicorn "), file.reference)
        XCTAssertEqual(file.cpuModel, cpuModel)
        var counts: [UInt8: Int] = [:]
        for v in file.vectors { counts[v.group, default: 0] += 1 }
        for (id, name) in file.groupNames {
            let owners = classes.filter { c in c.prefixes.contains { name.hasPrefix($0) } }
            XCTAssertEqual(owners.count, 1, "group \(name) is replayed by no test or by two")
            XCTAssertGreaterThanOrEqual(counts[id] ?? 0, perGroup, "group \(name)")
        }
        XCTAssertGreaterThanOrEqual(file.vectors.count, minimum)
        let byName = Dictionary(uniqueKeysWithValues: file.groupNames.map { ($0.value, $0.key) })
        let present = Set(file.vectors.map { KnownDifferences.Key(group: $0.group, word: $0.word, seed: $0.seed) })
        var listed = 0
        for entry in known.entries where entry.group.hasPrefix(prefix) {
            listed += 1
            guard let id = byName[entry.group] else {
                XCTFail("KNOWN_DIFFERENCES.md: no group \(entry.group) in \(fileName)")
                continue
            }
            XCTAssertTrue(present.contains(.init(group: id, word: entry.word, seed: entry.seed)),
                          String(format: "KNOWN_DIFFERENCES.md: no vector %@ 0x%08x seed 0x%016llx in %@",
                                 entry.group, entry.word, entry.seed, fileName))
        }
        print("\(fileName): \(file.vectors.count) vectors from \(file.reference) (\(file.cpuModel)), generated with "
              + "\(file.generatorArguments); \(listed) documented differences")
    }

    static func replay(_ file: A32ReferenceVectorFile, known: KnownDifferences, prefixes: [String],
                       file path: StaticString, line: UInt) throws {
        let env = ProcessInfo.processInfo.environment
        let only = env["ARMVM_REFVEC_GROUPS"].map { $0.split(separator: ",").map(String.init) }
        let details = env["ARMVM_REFVEC_DETAILS"].flatMap { Int($0) } ?? 5
        XCTAssertEqual(file.layout, ReplayMachine.layout, "the vectors were made for another memory layout")

        var groups: [UInt8: String] = [:]
        for (id, name) in file.groupNames where prefixes.contains(where: { name.hasPrefix($0) })
            && (only.map { o in o.contains { name.hasPrefix($0) } } ?? true) {
            groups[id] = name
        }
        guard !groups.isEmpty else { return }
        let knownIDs = Set(known.entries.compactMap { e -> KnownDifferences.Key? in
            guard let id = groups.first(where: { $0.value == e.group })?.key else { return nil }
            return KnownDifferences.Key(group: id, word: e.word, seed: e.seed)
        })

        let machine = A32ReplayMachine()
        let fp = file.kind.hasFP
        var results: [UInt8: ReferenceVectorTests.GroupResult] = [:]
        for id in groups.keys { results[id] = .init() }
        let start = Date()
        for v in file.vectors where groups[v.group] != nil {
            if knownIDs.contains(.init(group: v.group, word: v.word, seed: v.seed)) {
                results[v.group]!.skipped += 1
                continue
            }
            machine.describe = results[v.group]!.failed < details
            let diffs = machine.run(v, fp: fp)
            if diffs.isEmpty {
                results[v.group]!.passed += 1
                continue
            }
            results[v.group]!.failed += 1
            for d in Set(diffs.map(\.field)) { results[v.group]!.fields[d, default: 0] += 1 }
            if results[v.group]!.failed <= details {
                let encoding = v.thumb
                    ? (v.word >> 16 == 0 ? String(format: "T32 %04x", v.word) : String(format: "T32 %04x %04x", v.word >> 16, v.word & 0xFFFF))
                    : String(format: "cond %X, bits 27:20 %02x, 7:4 %X", v.word >> 28, (v.word >> 20) & 0xFF, (v.word >> 4) & 0xF)
                print(String(format: "MISMATCH %@ word 0x%08x (%@) seed 0x%016llx: ", groups[v.group]!, v.word, encoding, v.seed)
                      + diffs.map(\.text).joined(separator: "; "))
                print(String(format: "  python3 scripts/refvectors/dump.py --word 0x%08x --seed 0x%016llx", v.word, v.seed))
            }
        }
        let elapsed = Date().timeIntervalSince(start)

        var failedGroups: [String] = []
        var totals = ReferenceVectorTests.GroupResult()
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
            XCTFail("AArch32 reference vectors failed: " + failedGroups.joined(separator: ", ")
                    + " (python3 scripts/refvectors/dump.py --word W --seed S shows a vector)", file: path, line: line)
        }
    }
}

/// One CPU in AArch32 SVC mode at EL1 (no EL2) on the vectors' RAM, booted afresh for every
/// vector, in A32 or T32 state as the vector says; VFP vectors also get D0-D31 and FPSCR and
/// have them compared.
final class A32ReplayMachine {
    let bus: PhysicalAddressSpace
    let cache: DecodeCache
    let cpu: CPU
    let window: UnsafeMutableRawPointer
    let expected: UnsafeMutableRawPointer
    let windowSize: Int
    /// Whether run() writes out each difference (slow) or only names its field.
    var describe = true
    /// The X slots that hold R0-R14 in SVC mode; every other slot must stay zero.
    let svcSlots: Set<Int>

    init() {
        let l = ReplayMachine.layout
        bus = PhysicalAddressSpace(ramBase: l.ramBase, ramSize: l.ramSize)!
        cache = DecodeCache(bus: bus)
        cpu = CPU(index: 0, bus: bus, decodeCache: cache, hasEL2: false, config: CPUConfig())
        windowSize = Int(l.windowSize)
        window = bus.ramPointer(l.windowBase, size: windowSize)!
        expected = .allocate(byteCount: windowSize, alignment: 16)
        let row = BankedRegisters.row(.svc)
        svcSlots = Set((0..<15).map { Int(row[$0]) })
    }

    deinit { expected.deallocate() }

    func diff(_ field: String, _ text: @autoclosure () -> String) -> ReplayMachine.Difference {
        ReplayMachine.Difference(field: field, text: describe ? text() : "")
    }

    /// Execute one vector; returns each field that differs.
    @_optimize(speed)
    func run(_ v: A32ReferenceVectorFile.Vector, fp: Bool = false) -> [ReplayMachine.Difference] {
        var s = A32ReferenceInitialState(seed: v.seed, layout: ReplayMachine.layout, window: window, fp: fp,
                                         profile: v.profile)
        var itState: UInt8 = 0
        for o in v.initial {
            if o.reg == 15 { s.pc = o.value } else if o.reg < 15 { s.r[Int(o.reg)] = o.value }
            if o.reg == 16 { itState = UInt8(truncatingIfNeeded: o.value) }   // ITSTATE: inside an IT block
        }
        expected.copyMemory(from: window, byteCount: windowSize)
        for m in v.memory where Int(m.offset) < windowSize {
            expected.storeBytes(of: m.value, toByteOffset: Int(m.offset), as: UInt8.self)
        }

        cpu.bootAArch32(entry: s.pc, mode: .svc, thumb: v.thumb)
        cpu.exclusiveValid = false
        cpu.eventRegister = false
        cpu.waiting = false
        cpu.attention = false
        cpu.stopRequest = nil
        for n in 0..<15 { cpu.setR(UInt32(n), s.r[n]) }
        cpu.nzcv = s.nzcv
        cpu.qFlag = s.q
        cpu.ge32 = s.ge
        cpu.itState = itState
        if fp {
            // FP enabled as in the generator: CPACR cp10/cp11 full access, FPEXC.EN.
            cpu.sysregs[SysReg.CPACR_EL1] = 3 << 20
            cpu.sysregs[SysReg.FPEXC32_EL2] = 0x4000_0000
            for n in 0..<32 { cpu.setDreg(UInt32(n), s.d[n]) }
            cpu.setFPSCR(s.fpscr)
        }
        if v.thumb {
            // A 32-bit T32 instruction is two halfwords, the first at the lower address.
            if v.word >> 16 != 0 {
                _ = bus.write(UInt64(s.pc), size: 2, value: UInt64(v.word >> 16))
                _ = bus.write(UInt64(s.pc) + 2, size: 2, value: UInt64(v.word & 0xFFFF))
            } else {
                _ = bus.write(UInt64(s.pc), size: 2, value: UInt64(v.word))
            }
        } else {
            _ = bus.write(UInt64(s.pc), size: 4, value: UInt64(v.word))
        }
        cpu.step()
        _ = bus.write(UInt64(s.pc), size: 2, value: 0)
        _ = bus.write(UInt64(s.pc) + 2, size: 2, value: 0)

        var diffs: [ReplayMachine.Difference] = []
        if !cpu.aarch32 || cpu.mode32 != .svc {
            diffs.append(diff("mode", "left SVC mode: " + (cpu.aarch32 ? "mode \(cpu.mode32.name)" : "AArch64")
                              + String(format: ", PC 0x%llx (an exception was taken)", cpu.pc)))
            return diffs
        }
        var want = s.r
        for r in v.registers where r.reg < 15 { want[Int(r.reg)] = r.value }
        for n in 0..<15 where cpu.r(UInt32(n)) != want[n] {
            diffs.append(diff("R", String(format: "R%d expected 0x%08x actual 0x%08x (initial 0x%08x)",
                                          n, want[n], cpu.r(UInt32(n)), s.r[n])))
        }
        for slot in 0..<31 where !svcSlots.contains(slot) && cpu.x[slot] != 0 {
            diffs.append(diff("X", String(format: "X%d (not an SVC-mode register) changed to 0x%llx", slot, cpu.x[slot])))
        }
        for n in 0..<15 where cpu.x[Int(BankedRegisters.row(.svc)[n])] >> 32 != 0 {
            diffs.append(diff("X", String(format: "R%d holds 0x%llx: upper half not zero", n,
                                          cpu.x[Int(BankedRegisters.row(.svc)[n])])))
        }
        let wantPC = v.pc ?? (s.pc &+ v.length)
        if cpu.pc != UInt64(wantPC) {
            diffs.append(diff("PC", String(format: "PC expected 0x%08x actual 0x%llx (initial 0x%08x)", wantPC, cpu.pc, s.pc)))
        }
        if cpu.itState != 0 {
            diffs.append(diff("IT", String(format: "ITSTATE expected 0 actual 0x%02x (initial 0x%02x)", cpu.itState, itState)))
        }
        let wantT = v.psr.map { $0 & A32ReferenceVectorFile.psrT != 0 } ?? v.thumb
        if cpu.thumb != wantT {
            diffs.append(diff("T", "T expected \(wantT ? 1 : 0) actual \(cpu.thumb ? 1 : 0)"))
        }
        if cpu.nzcv & 0xF000_0000 != v.nzcv || cpu.nzcv & 0x0FFF_FFFF != 0 {
            diffs.append(diff("NZCV", String(format: "NZCV expected %x actual %x (initial %x)",
                                             v.nzcv >> 28, cpu.nzcv >> 28, s.nzcv >> 28)))
        }
        let wantQ = v.psr.map { $0 & A32ReferenceVectorFile.psrQ != 0 } ?? s.q
        if cpu.qFlag != wantQ {
            diffs.append(diff("Q", "Q expected \(wantQ ? 1 : 0) actual \(cpu.qFlag ? 1 : 0) (initial \(s.q ? 1 : 0))"))
        }
        let wantGE = v.psr.map { $0 & 0xF } ?? s.ge
        if cpu.ge32 != wantGE {
            diffs.append(diff("GE", String(format: "GE expected %x actual %x (initial %x)", wantGE, cpu.ge32, s.ge)))
        }
        if fp {
            var wantD = s.d
            for r in v.dregs where r.reg < 32 { wantD[Int(r.reg)] = r.value }
            for n in 0..<32 where cpu.dreg(UInt32(n)) != wantD[n] {
                diffs.append(diff("D", String(format: "D%d expected 0x%016llx actual 0x%016llx (initial 0x%016llx)",
                                              n, wantD[n], cpu.dreg(UInt32(n)), s.d[n])))
            }
            if cpu.fpscr != v.fpscr {
                diffs.append(diff("FPSCR", String(format: "FPSCR expected 0x%08x actual 0x%08x (initial 0x%08x)",
                                                  v.fpscr, cpu.fpscr, s.fpscr)))
            }
            if cpu.sysregs[SysReg.FPEXC32_EL2] != 0x4000_0000 {
                diffs.append(diff("FPEXC", String(format: "FPEXC changed to 0x%llx", cpu.sysregs[SysReg.FPEXC32_EL2])))
            }
        }
        if memcmp(expected, window, windowSize) != 0 {
            if !describe {
                diffs.append(diff("mem", ""))
            } else {
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
        }
        return diffs
    }
}
