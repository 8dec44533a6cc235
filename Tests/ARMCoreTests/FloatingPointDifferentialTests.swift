import XCTest
@testable import ARMCore
import Bus

/// A differential check against another emulator's results, for confidence beyond the
/// hand-written cases: ARMVM_FP_DIFF names a file of lines
/// `word fpcr nzcv v0lo v0hi .. v3lo v3hi x0 x1 q0lo q0hi fpsr x0 nzcv asm` (hex, results after
/// the inputs), as written by a Unicorn script. Without the variable the test is skipped; the
/// committed reference vectors are ReferenceVectorTests' business.
final class FloatingPointDifferentialTests: XCTestCase {
    func testAgainstRecordedResults() throws {
        guard let path = ProcessInfo.processInfo.environment["ARMVM_FP_DIFF"] else {
            throw XCTSkip("set ARMVM_FP_DIFF to a file of recorded FP results")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let m = FPTestMachine()
        var failures = 0, cases = 0
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 19 else { continue }
            let h = f.prefix(18).map { UInt64($0, radix: 16) ?? 0 }
            cases += 1
            var v: [Int: (UInt64, UInt64)] = [:]
            for r in 0..<4 { v[r] = (h[3 + 2 * r], h[4 + 2 * r]) }
            let cpu = m.run(UInt32(h[0]), fpcr: h[1], nzcv: UInt32(h[2]), v: v, x: [0: h[11], 1: h[12]])
            let got = [cpu.vLow(0), cpu.vHigh(0), cpu.fpsr, cpu.x[0], UInt64(cpu.nzcv)]
            let want = Array(h[13...17])
            if got != want {
                failures += 1
                if failures <= 40 {
                    XCTFail("\(f[18]) fpcr=\(String(h[1], radix: 16)) in \(f[3...12].joined(separator: " ")): got \(got.map { String($0, radix: 16) }) want \(want.map { String($0, radix: 16) })")
                }
            }
        }
        print("FP differential: \(cases) cases, \(failures) mismatches")
    }
}
