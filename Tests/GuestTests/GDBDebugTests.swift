import Foundation
import XCTest

/// gdb's hardware breakpoints and watchpoints (Z1-Z4), the filters `monitor break-el` and
/// `monitor break-vmid`, physical memory (`monitor xp`, Qqemu.PhyMemMode) and `monitor info vm`,
/// through the real gdb-multiarch and through raw packets.
final class GDBDebugTests: XCTestCase {
    static let gdb = "/usr/bin/gdb-multiarch"

    /// The issue's "done when" session on minihyp running hello-xen: 10,000 steps, HCR_EL2 by
    /// name, a hardware write watchpoint that fires, a stop in the hypervisor's HVC handler where
    /// `monitor translate el1` walks the guest's regime through stage 2, and a detach after which
    /// everything runs to its end.
    func testWatchpointAndStage2TranslateOnMinihyp() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.gdb) else {
            throw XCTSkip("gdb-multiarch is not installed (scripts/install-deps.sh installs it)")
        }
        let image = try CLI.guest("minihyp.elf")
        let guest = try CLI.guest("hello-xen.elf")
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut, arguments: ["--guest", guest])
        let started = Date()
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "stepi 10000", "-ex", "p/x $HCR_EL2",
                             "-ex", "watch vm_count", "-ex", "continue", "-ex", "delete",
                             "-ex", "break handle_hvc", "-ex", "continue", "-ex", "delete",
                             "-ex", "monitor info vm", "-ex", "monitor translate el1 0x40200040",
                             "-ex", "detach"], executable: Self.gdb)
        let seconds = Date().timeIntervalSince(started)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("$1 = 0x80000000"), "HCR_EL2 before minihyp sets it:\n\(out)")
        XCTAssertTrue(out.contains("Hardware watchpoint 1: vm_count"), "a hardware (Z2) watchpoint:\n\(out)")
        XCTAssertTrue(out.contains("Old value = 0\nNew value = 1"), "the watchpoint fired on the store:\n\(out)")
        XCTAssertTrue(out.contains("handle_hvc (vm="), "stopped in the HVC handler:\n\(out)")
        XCTAssertTrue(out.contains("CPU 0: EL2, the hypervisor (no VM)"), "monitor info vm:\n\(out)")
        XCTAssertTrue(out.contains("VA 0x40200040 in EL1&0 stage 1 off, stage 2 (VMID 1)"), "both stages:\n\(out)")
        XCTAssertTrue(out.contains("IPA 0x40200040\nPA  0x40a00040\n"), "IPA and PA:\n\(out)")
        XCTAssertTrue(out.contains("detached]"), out)
        XCTAssertEqual(emulator.exitStatus(), 0, emulator.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("minihyp: every guest has shut down"), "ran on after detach:\n\(printed)")
        XCTAssertLessThan(seconds, 30, "the session took \(seconds) s")
    }

    /// `monitor break-vmid` picks the guest a breakpoint stops in: minihyp runs a 32-bit (VMID 1)
    /// and a 64-bit (VMID 2) hello-xen from the same IPA, and each filter stops in its own, the
    /// 32-bit one through the AArch32 loop.
    func testBreakVMIDStopsInTheNamedGuest() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.gdb) else {
            throw XCTSkip("gdb-multiarch is not installed (scripts/install-deps.sh installs it)")
        }
        let image = try CLI.guest("minihyp.elf")
        let guests = [try CLI.guest("hello-xen32.elf"), try CLI.guest("hello-xen.elf")]
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut,
                                   arguments: ["--gic", "3", "--guest", guests[0], "--guest", guests[1]])
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "monitor break-vmid 1", "-ex", "hbreak *0x40200044", "-ex", "continue",
                             "-ex", "monitor info vm", "-ex", "monitor break-vmid 2", "-ex", "continue",
                             "-ex", "monitor info vm", "-ex", "detach"], executable: Self.gdb)
        let out = r.stdout + r.stderr
        let vm1 = out.range(of: "CPU 0: EL1, VM 1 (VMID 1, stage 2 on")
        let vm2 = out.range(of: "CPU 0: EL1, VM 2 (VMID 2, stage 2 on")
        XCTAssertNotNil(vm1, "stopped in the 32-bit guest:\n\(out)")
        XCTAssertNotNil(vm2, "then in the 64-bit one:\n\(out)")
        if let vm1, let vm2 { XCTAssertLessThan(vm1.lowerBound, vm2.lowerBound, out) }
        XCTAssertEqual(emulator.exitStatus(), 0, emulator.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("minihyp: every guest has shut down"), printed)
    }

    func hello() throws -> GDBWire { try GDBWire(image: CLI.guest("hello.elf")) }

    /// A hex-encoded `monitor` command and its decoded answer.
    func monitor(_ w: GDBWire, _ command: String) -> String {
        let hex = command.utf8.map { String(format: "%02x", $0) }.joined()
        let reply = w.request("qRcmd," + hex)
        guard let start = reply.firstIndex(of: "$"), let end = reply.lastIndex(of: "#") else { return reply }
        let body = Array(reply[reply.index(after: start)..<end].utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i + 1 < body.count, let b = UInt8(String(decoding: body[i...i + 1], as: UTF8.self), radix: 16) {
            bytes.append(b)
            i += 2
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Z1 stops before the instruction with `hwbreak:`, once gdb said it understands it; the
    /// stop is stepped over on continuing. Z3 on the DTB, which the runtime reads first, stops
    /// with `rwatch:` and the address.
    func testHardwarePointsStopWithTheirReasons() throws {
        let w = try hello()
        XCTAssertTrue(w.request("qSupported:swbreak+;hwbreak+").contains("hwbreak+"))
        XCTAssertEqual(w.request("Z1,40200008,4"), "+$OK#9a")
        XCTAssertEqual(w.request("c"), "+" + GDBWire.frame("T05hwbreak:;"))
        XCTAssertEqual(w.request("p20"), "+" + GDBWire.frame("0800204000000000"), "stopped before 0x40200008")
        XCTAssertEqual(w.request("z1,40200008,4"), "+$OK#9a")
        let x0 = w.request("p0")   // the DTB address, little-endian
        guard let s = x0.firstIndex(of: "$") else { return XCTFail(x0) }
        let le = Array(x0[x0.index(after: s)...].prefix(16))
        var dtb: UInt64 = 0
        for k in stride(from: 14, through: 0, by: -2) { dtb = dtb << 8 | UInt64(UInt8(String(le[k...k + 1]), radix: 16)!) }
        let a = String(dtb, radix: 16)
        XCTAssertEqual(w.request("Z3,\(a),4"), "+$OK#9a")
        XCTAssertEqual(w.request("c"), "+" + GDBWire.frame("T05rwatch:\(a);"))
        XCTAssertEqual(w.request("z3,\(a),4"), "+$OK#9a")
        XCTAssertEqual(w.request("c").prefix(4), "+$W0", "runs to its end once the points are gone")
    }

    /// `monitor break-el 1` keeps a breakpoint from stopping EL2 code: hello runs to its end.
    func testBreakELFiltersGDBPoints() throws {
        let w = try hello()
        XCTAssertTrue(monitor(w, "break-el 1").contains("fire only at EL1"))
        XCTAssertEqual(w.request("Z1,40200008,4"), "+$OK#9a")
        XCTAssertEqual(w.request("c").prefix(4), "+$W0")
    }

    /// Physical memory: `monitor xp` and m in Qqemu.PhyMemMode read the same bytes as the
    /// MMU-off virtual view; `monitor info vm` says where CPU 0 is.
    func testPhysicalMemoryAndInfoVM() throws {
        let w = try hello()
        let virtual = w.request("m40200000,8")
        XCTAssertEqual(w.request("qqemu.PhyMemMode"), "+" + GDBWire.frame("0"))
        XCTAssertEqual(w.request("Qqemu.PhyMemMode:1"), "+$OK#9a")
        XCTAssertEqual(w.request("qqemu.PhyMemMode"), "+" + GDBWire.frame("1"))
        XCTAssertEqual(w.request("m40200000,8"), virtual)
        XCTAssertEqual(w.request("m8000000,4"), "+" + GDBWire.frame("E14"), "a device is not read")
        let dump = monitor(w, "xp 0x40200000 20")
        XCTAssertTrue(dump.hasPrefix("0x0000000040200000:"), dump)
        XCTAssertEqual(dump.split(separator: "\n").count, 2, dump)
        XCTAssertTrue(monitor(w, "xp 0x8000000 4").contains("is not RAM"))
        XCTAssertTrue(monitor(w, "info vm").hasPrefix("CPU 0: EL2, the hypervisor (no VM)"))
        XCTAssertTrue(monitor(w, "help").contains("monitor break-vmid N|any"))
        w.send(GDBWire.frame("k"))
        XCTAssertEqual(w.exitStatus(), 8)
    }
}
