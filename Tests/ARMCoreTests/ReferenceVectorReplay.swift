import Foundation
import XCTest
@testable import ARMCore
import Bus

/// What the reference-vector tests share, A64 and AArch32 alike (ReferenceVectorTests, A32-, T32-,
/// VFP-, NEON- and CRC32ReferenceVectorTests): a suite of vector files with its test methods,
/// the file checks, and the replay loop; each instruction set brings its machine
/// (ReplayMachine, A32ReplayMachine).
///
/// Each test method replays one class of groups and prints a line per group; a failure lists,
/// for the first few vectors of each group, every field that differs, and fails once at the end
/// with the per-group counts. Environment: ARMVM_REFVEC_GROUPS=ls.pair,a32.mul limits the replay
/// to groups whose name starts with one of the prefixes; ARMVM_REFVEC_DETAILS=N prints N failing
/// vectors per group (default 5).
final class VectorSuite {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
    static let known = Result { try KnownDifferences(contentsOf: directory.appendingPathComponent("KNOWN_DIFFERENCES.md")) }

    let fileNames: [String]
    let kind: ReferenceVectorFile.Kind
    let cpuModel: String
    /// Which test method replays a group: by the start of its name. A documented difference
    /// belongs to the suite one of whose prefixes starts its group.
    let classes: [(method: String, prefixes: [String])]
    /// At least this many vectors in all, and in each group.
    let minimum: Int, perGroup: Int
    let makeMachine: () -> VectorReplayMachine

    /// Read on first use, once per test process.
    lazy var files = Result { try fileNames.map { try ReferenceVectorFile(contentsOf: Self.directory.appendingPathComponent($0)) } }

    init(files: [String], kind: ReferenceVectorFile.Kind, cpuModel: String,
         classes: [(method: String, prefixes: [String])], minimum: Int, perGroup: Int,
         machine: @escaping () -> VectorReplayMachine) {
        fileNames = files
        self.kind = kind
        self.cpuModel = cpuModel
        self.classes = classes
        self.minimum = minimum
        self.perGroup = perGroup
        makeMachine = machine
    }

    /// Whether a documented difference of `group` belongs to this suite.
    func owns(group: String) -> Bool {
        classes.contains { c in c.prefixes.contains { group.hasPrefix($0) } }
    }

    /// The files are of this suite's kind and CPU model, made for the replay's memory layout;
    /// every group is replayed by exactly one method, is in one file only and has at least
    /// `perGroup` vectors; group ids are unique; there are at least `minimum` vectors; and every
    /// documented difference this suite owns names a vector that exists.
    func checkFiles() throws {
        let files = try files.get(), known = try Self.known.get()
        var byName: [String: UInt8] = [:]
        var present = Set<KnownDifferences.Key>()
        var total = 0
        for (file, name) in zip(files, fileNames) {
            XCTAssertEqual(file.kind, kind, name)
            XCTAssertEqual(file.layout, ReplayMachine.layout, name)
            XCTAssertTrue(file.reference.hasPrefix("unicorn "), file.reference)
            XCTAssertEqual(file.cpuModel, cpuModel, name)
            var counts: [UInt8: Int] = [:]
            for v in file.vectors {
                counts[v.group, default: 0] += 1
                present.insert(.init(group: v.group, word: v.word, seed: v.seed))
            }
            for (id, group) in file.groupNames {
                let owners = classes.filter { c in c.prefixes.contains { group.hasPrefix($0) } }
                XCTAssertEqual(owners.count, 1, "group \(group) is replayed by no test or by two")
                XCTAssertNil(byName[group], "group \(group) is in two files")
                XCTAssertGreaterThanOrEqual(counts[id] ?? 0, perGroup, "group \(group)")
                byName[group] = id
            }
            total += file.vectors.count
            print("\(name): \(file.vectors.count) vectors from \(file.reference) (\(file.cpuModel)), generated with "
                  + file.generatorArguments)
        }
        XCTAssertEqual(Set(byName.values).count, byName.count, "a group id is used twice")
        XCTAssertGreaterThanOrEqual(total, minimum)
        var listed = 0
        for entry in known.entries where owns(group: entry.group) {
            listed += 1
            guard let id = byName[entry.group] else {
                XCTFail("KNOWN_DIFFERENCES.md: no group \(entry.group) in \(fileNames.joined(separator: ", "))")
                continue
            }
            XCTAssertTrue(present.contains(.init(group: id, word: entry.word, seed: entry.seed)),
                          String(format: "KNOWN_DIFFERENCES.md: no vector %@ 0x%08x seed 0x%016llx in %@",
                                 entry.group, entry.word, entry.seed, fileNames.joined(separator: ", ")))
        }
        print("reference vectors: \(total) in \(fileNames.joined(separator: ", ")); \(listed) documented differences")
    }

    struct GroupResult {
        var passed = 0, failed = 0, skipped = 0
        /// How many failing vectors differ in each kind of field ("V", "FPSR", "R", "mem" ...).
        var fields: [String: Int] = [:]
    }

    /// Replays the groups of the test method `method` (#function of the caller).
    func replay(_ method: String = #function, file path: StaticString = #filePath, line: UInt = #line) throws {
        guard let prefixes = classes.first(where: { $0.method == method || $0.method + "()" == method })?.prefixes else {
            XCTFail("no class of groups for \(method)", file: path, line: line)
            return
        }
        try replay(prefixes: prefixes, file: path, line: line)
    }

    func replay(prefixes: [String], file path: StaticString = #filePath, line: UInt = #line) throws {
        let files = try files.get(), known = try Self.known.get()
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
        let machine = makeMachine()
        var results: [UInt8: GroupResult] = [:]
        for id in groups.keys { results[id] = GroupResult() }
        let start = Date()
        for file in files {
            let kind = file.kind
            for v in file.vectors where groups[v.group] != nil {
                if knownIDs.contains(.init(group: v.group, word: v.word, seed: v.seed)) {
                    results[v.group]!.skipped += 1
                    continue
                }
                // Describe the differences in words only for the vectors that will be printed.
                machine.describe = results[v.group]!.failed < details
                let diffs = machine.run(v, kind: kind)
                if diffs.isEmpty {
                    results[v.group]!.passed += 1
                    continue
                }
                results[v.group]!.failed += 1
                for d in Set(diffs.map(\.field)) { results[v.group]!.fields[d, default: 0] += 1 }
                if results[v.group]!.failed <= details {
                    print(String(format: "MISMATCH %@ word 0x%08x%@ seed 0x%016llx: ", groups[v.group]!, v.word,
                                 kind.isAArch32 ? " (\(Self.encoding(v)))" : "", v.seed)
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

    /// An AArch32 encoding for a mismatch line: T32 halfwords, or A32's cond and bits 27:20, 7:4.
    static func encoding(_ v: ReferenceVectorFile.Vector) -> String {
        if v.thumb {
            return v.word >> 16 == 0 ? String(format: "T32 %04x", v.word) : String(format: "T32 %04x %04x", v.word >> 16, v.word & 0xFFFF)
        }
        return String(format: "cond %X, bits 27:20 %02x, 7:4 %X", v.word >> 28, (v.word >> 20) & 0xFF, (v.word >> 4) & 0xF)
    }
}

/// A field that differs after a vector's step.
struct ReplayDifference {
    /// The kind of field, for the per-group summary: X, SP, PC, NZCV, V, FPSR, FPCR, R, D, mem ...
    var field: String
    var text: String
}

/// Runs one vector and returns each field that differs.
protocol VectorReplayMachine: AnyObject {
    /// Whether run() writes out each difference (slow) or only names its field.
    var describe: Bool { get set }
    func run(_ v: ReferenceVectorFile.Vector, kind: ReferenceVectorFile.Kind) -> [ReplayDifference]
}

/// One CPU on the vectors' RAM (fresh state for every vector), the window, and the comparison of
/// the window: what the A64 and the AArch32 machines share.
class VectorMachine {
    static let layout = ReferenceVectorFile.Layout(ramBase: 0x4000_0000, ramSize: 0x40_0000,
                                                   windowBase: 0x4010_0000, windowSize: 0x1000)
    let bus: PhysicalAddressSpace
    let cache: DecodeCache
    let cpu: CPU
    let window: UnsafeMutableRawPointer
    let expected: UnsafeMutableRawPointer
    let windowSize: Int
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

    /// A difference: its text is built only when `describe` is set.
    func diff(_ field: String, _ text: @autoclosure () -> String) -> ReplayDifference {
        ReplayDifference(field: field, text: describe ? text() : "")
    }

    /// The window as the vector expects it after the step: the initial window (already derived
    /// into RAM) with the vector's changed bytes.
    @_optimize(speed)
    func expectWindow(_ v: ReferenceVectorFile.Vector) {
        expected.copyMemory(from: window, byteCount: windowSize)
        for m in v.memory where Int(m.offset) < windowSize {
            expected.storeBytes(of: m.value, toByteOffset: Int(m.offset), as: UInt8.self)
        }
    }

    /// Clears the CPU state a vector does not set: the exclusive monitor, events, stop requests.
    func quiesce() {
        cpu.exclusiveValid = false
        cpu.eventRegister = false
        cpu.waiting = false
        cpu.attention = false
        cpu.stopRequest = nil
    }

    /// The window's difference from the expected one, if any (the first 16 bytes described).
    @_optimize(speed)
    func windowDifference() -> ReplayDifference? {
        guard memcmp(expected, window, windowSize) != 0 else { return nil }
        guard describe else { return diff("mem", "") }
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
        return diff("mem", text.joined(separator: "; "))
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
