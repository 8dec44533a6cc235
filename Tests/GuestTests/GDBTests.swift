import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `armvm run --gdb PORT` driven by the real gdb-multiarch, and by a raw socket that sends what
/// a broken or hostile gdb could: armvm must answer each packet and keep running, end with
/// status 0 when gdb goes away, 8 when gdb kills the guest, and run the guest on after a detach.
final class GDBTests: XCTestCase {
    func testGDBBreaksStepsAndContinuesToExit() throws {
        let gdb = "/usr/bin/gdb-multiarch"
        guard FileManager.default.isExecutableFile(atPath: gdb) else { throw XCTSkip("gdb-multiarch is not installed") }
        let image = try CLI.guest("hello.elf")
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut)
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "info registers pc", "-ex", "break main", "-ex", "continue",
                             "-ex", "info registers x0", "-ex", "x/1i $pc", "-ex", "stepi",
                             "-ex", "info registers pc", "-ex", "continue"], executable: gdb)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("0x40200000 <_start>"), "stopped before the first instruction:\n\(out)")
        XCTAssertTrue(out.contains("Breakpoint 1, main"), out)
        XCTAssertTrue(out.contains("<main+4>"), "stepi moved one instruction:\n\(out)")
        XCTAssertTrue(out.contains("exited normally"), out)
        XCTAssertEqual(emulator.exitStatus(), 0)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("Hello from EL2 on linux,dummy-virt"), printed)
    }

    /// The session of the issue's "done when": 10,000 steps, HCR_EL2 read by name, the system
    /// registers listed, then a detach after which the guest runs on to its own end.
    func testScriptedSessionStepsReadsHCRAndDetaches() throws {
        let gdb = "/usr/bin/gdb-multiarch"
        guard FileManager.default.isExecutableFile(atPath: gdb) else { throw XCTSkip("gdb-multiarch is not installed") }
        let image = try CLI.guest("hello.elf")
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut)
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "stepi 10000", "-ex", "p/x $HCR_EL2", "-ex", "p $CurrentEL",
                             "-ex", "info registers system", "-ex", "set $VBAR_EL1 = 0x40001000",
                             "-ex", "p/x $VBAR_EL1", "-ex", "monitor translate 0x40200000",
                             "-ex", "monitor info registers", "-ex", "detach"], executable: gdb)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("$1 = 0x80000000"), "HCR_EL2 (RW set at reset):\n\(out)")
        XCTAssertTrue(out.contains("$2 = 8"), "CurrentEL: EL2\n\(out)")
        for name in ["SCTLR_EL1", "VTTBR_EL2", "ESR_EL2", "CNTVOFF_EL2"] {
            XCTAssertTrue(out.contains("\n\(name) "), "info registers system lists \(name):\n\(out)")
        }
        XCTAssertTrue(out.contains("$3 = 0x40001000"), "VBAR_EL1 written with P:\n\(out)")
        XCTAssertTrue(out.contains("VA 0x40200000 in EL2 stage 1 off\nPA  0x40200000\n"), "monitor translate:\n\(out)")
        XCTAssertTrue(out.contains("  HCR_EL2         0x0000000080000000\n"), "monitor info registers:\n\(out)")
        XCTAssertTrue(out.contains("detached]"), out)
        XCTAssertEqual(emulator.exitStatus(), 0, emulator.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("Hello from EL2 on linux,dummy-virt"), "the guest ran on after detach: \(printed)")
    }

    /// A Cortex-A15 in Hyp mode is an arm target whose CP15 registers gdb reads by name.
    func testHypModeShowsTheCP15Registers() throws {
        let gdb = "/usr/bin/gdb-multiarch"
        guard FileManager.default.isExecutableFile(atPath: gdb) else { throw XCTSkip("gdb-multiarch is not installed") }
        let image = try CLI.guest("hello32.elf")
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut, arguments: ["--cpu", "cortex-a15"])
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "stepi 100", "-ex", "p/x $cpsr & 0x1f", "-ex", "p/x $HVBAR",
                             "-ex", "info registers system", "-ex", "detach"], executable: gdb)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("$1 = 0x1a"), "Hyp mode:\n\(out)")
        XCTAssertFalse(out.contains("$2 = void"), "HVBAR is a register:\n\(out)")
        for name in ["HCR", "HSR", "HTTBR", "VTTBR", "ELR_hyp", "SPSR_hyp", "SCTLR", "DACR"] {
            XCTAssertTrue(out.contains("\n\(name) "), "info registers system lists \(name):\n\(out)")
        }
        XCTAssertEqual(emulator.exitStatus(), 0, emulator.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("Hello from"), printed)
    }

    /// --smp 2: each CPU is a thread; a breakpoint stops the CPU that hit it, and stepi on
    /// another thread steps that CPU.
    func testEachCPUIsAThread() throws {
        let gdb = "/usr/bin/gdb-multiarch"
        guard FileManager.default.isExecutableFile(atPath: gdb) else { throw XCTSkip("gdb-multiarch is not installed") }
        let image = try CLI.guest("smp.elf")
        let guestOut = Pipe()
        let emulator = try GDBWire(image: image, connect: false, stdout: guestOut, arguments: ["--smp", "2"])
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(emulator.port)",
                             "-ex", "break secondary_main", "-ex", "continue", "-ex", "info threads",
                             "-ex", "thread 1", "-ex", "p $pc", "-ex", "stepi", "-ex", "p $pc",
                             "-ex", "delete", "-ex", "detach"], executable: gdb)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("Thread 2 hit Breakpoint 1, secondary_main"), out)
        XCTAssertTrue(out.contains("Thread 1 (CPU 0 EL2)") && out.contains("Thread 2 (CPU 1 EL2)"), out)
        // Two `p $pc` on thread 1, one instruction apart.
        let pcs = out.split(separator: "\n").filter { $0.hasPrefix("$") && $0.contains("<main+") }
            .compactMap { $0.split(separator: "+").last.flatMap { Int($0.prefix { $0.isNumber }) } }
        XCTAssertEqual(pcs.count, 2, out)
        if pcs.count == 2 { XCTAssertNotEqual(pcs[0], pcs[1], "thread 1 stepped:\n\(out)") }
        XCTAssertEqual(emulator.exitStatus(), 0, emulator.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.contains("smp: cpu1 off"), printed)
    }

    // MARK: The raw protocol

    static let error01 = "+$E01#a6"

    func hello() throws -> GDBWire { try GDBWire(image: CLI.guest("hello.elf")) }

    /// gdb's `k`: armvm ends with status 8 (killed by gdb), which also shows it was still alive.
    func assertKillEndsCleanly(_ w: GDBWire, file: StaticString = #filePath, line: UInt = #line) {
        w.send(GDBWire.frame("k"))
        XCTAssertEqual(w.exitStatus(), 8, "stderr: \(w.stderrText)", file: file, line: line)
    }

    func testKillEndsWithItsOwnStatusAndSaysSo() throws {
        let guestOut = Pipe()
        let w = try GDBWire(image: CLI.guest("hello.elf"), stdout: guestOut)
        XCTAssertEqual(w.request("s"), "+$S05#b8")
        w.send(GDBWire.frame("k"))
        XCTAssertEqual(w.exitStatus(), 8)
        XCTAssertTrue(w.remainingStderr().contains("armvm: killed by gdb after 1 instructions"), w.stderrText)
        XCTAssertEqual(guestOut.fileHandleForReading.readDataToEndOfFile().count, 0, "the guest printed nothing")
    }

    /// `D`: OK, then the guest runs on without breakpoints to its own end and status.
    func testDetachRunsTheGuestToItsEnd() throws {
        let guestOut = Pipe()
        let w = try GDBWire(image: CLI.guest("hello.elf"), stdout: guestOut)
        XCTAssertEqual(w.request("Z0,40200008,4"), "+$OK#9a", "a breakpoint two instructions on, left set")
        XCTAssertEqual(w.request("s"), "+$S05#b8")
        XCTAssertEqual(w.request("D"), "+$OK#9a")
        XCTAssertEqual(w.exitStatus(), 0, w.stderrText)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("Hello from EL2 on linux,dummy-virt"), printed)
    }

    func testPortZeroAnnouncesThePortItListensOn() throws {
        let w = try hello()   // fails unless the announce line names a real port
        XCTAssertNotEqual(w.port, 0)
        XCTAssertEqual(w.request("?"), "+$S05#b8")
        assertKillEndsCleanly(w)
    }

    func testMemoryReadLengthsOutOfRangeAnswerErrors() throws {
        let w = try hello()
        for bad in ["m40200000,-1", "m40200000,ffffffffffffffff", "m40200000,10000000000000000",
                    "m-40200000,4", "m40200000,", "m,4", "m40200000", "mxyz,4", "m40200000,4x",
                    "m40200000,0", "m40200000,2001", "mffffffffffffffff,2", "m+40200000,4"] {
            XCTAssertEqual(w.request(bad), Self.error01, bad)
        }
        XCTAssertTrue(w.request("m40200000,4").hasPrefix("+$"), "still answers")
        assertKillEndsCleanly(w)
    }

    func testTargetXMLReadsOutOfRangeAnswerErrors() throws {
        let w = try hello()
        let annex = "qXfer:features:read:target.xml:"
        XCTAssertEqual(w.request(annex + "7fffffffffffffff,7fffffffffffffff"), Self.error01, "offset past the end")
        for bad in ["-10,10", "0,-10", "0,", ",10", "0", "10000000000000000,1", "0,10000000000000000", "0x0,10", "0,0"] {
            XCTAssertEqual(w.request(annex + bad), "+$E00#a5", bad)
        }
        let whole = w.request(annex + "0,7fffffffffffffff")
        XCTAssertTrue(whole.hasPrefix("+$l<?xml") && whole.dropLast(3).hasSuffix("</target>"), "a huge length reads what fits: \(whole)")
        XCTAssertEqual(w.request(annex + "10,8"), "+" + GDBWire.frame("m.0\"?><!D"))
        assertKillEndsCleanly(w)
    }

    func testBadChecksumIsRefusedAndNotExecuted() throws {
        let w = try hello()
        let before = w.request("m40200000,4")
        w.send("$M40200000,4:00000000#00")
        XCTAssertEqual(w.receive(), "-")
        w.send("$?#3g")   // not hex
        XCTAssertEqual(w.receive(), "-")
        XCTAssertEqual(w.request("m40200000,4"), before, "the write did not happen")
        assertKillEndsCleanly(w)
    }

    func testMemoryWritesWithBadDataAnswerErrorsAndWriteNothing() throws {
        let w = try hello()
        let before = w.request("m40200000,4")
        for bad in ["M40200000,4:zzzzzzzz", "M40200000,4:00", "M40200000,2:00000000", "M40200000,4:0000000",
                    "M40200000,-4:00000000", "M40200000:00000000", "Mffffffffffffffff,2:0000"] {
            XCTAssertEqual(w.request(bad), Self.error01, bad)
        }
        XCTAssertEqual(w.request("m40200000,4"), before)
        XCTAssertEqual(w.request("M40200000,4:01020304"), "+$OK#9a")
        XCTAssertEqual(w.request("m40200000,4"), "+" + GDBWire.frame("01020304"))
        assertKillEndsCleanly(w)
    }

    func testOversizedPacketIsRefusedWithoutBeingStored() throws {
        let w = try hello()
        XCTAssertTrue(w.request("qSupported:multiprocess+;swbreak+").contains("PacketSize=4000"))
        let peakBefore = try w.peakMemoryKB()
        w.send(GDBWire.frame("M40200000,200000:" + String(repeating: "0", count: 4 << 20)))
        XCTAssertEqual(w.receive(), Self.error01)
        let grown = try w.peakMemoryKB() - peakBefore
        XCTAssertLessThan(grown, 2048, "peak memory grew by \(grown) KiB for a 4 MiB packet")
        XCTAssertEqual(w.request("?"), "+$S05#b8")
        assertKillEndsCleanly(w)
    }

    func testRegisterAndBreakpointFieldsAreValidated() throws {
        let w = try hello()
        for bad in ["p70", "p-1", "pzz", "p10000000000000000", "P20=00", "P20=0000000000000000ff", "P20=zz00000000000000",
                    "P70=0000000000000000", "Pzz=00", "G00", "Z0,zz,4", "Z0,40200000", "Z0,-40200000,4",
                    "z1,10000000000000000,4", "c-4", "cxyz", "s10000000000000000", "Hg2", "Hgzz", "T2", "T-2"] {
            XCTAssertEqual(w.request(bad), Self.error01, bad)
        }
        XCTAssertEqual(w.request("p20"), "+" + GDBWire.frame("0000204000000000"), "pc is unchanged")
        XCTAssertEqual(w.request("Hg0"), "+$OK#9a")
        XCTAssertEqual(w.request("Hc-1"), "+$OK#9a")
        XCTAssertEqual(w.request("T1"), "+$OK#9a")
        assertKillEndsCleanly(w)
    }

    /// gdb killed or crashed with replies still in flight: armvm must not die of SIGPIPE (141).
    func testGDBClosingTheConnectionEndsArmvmCleanly() throws {
        let requests: [(String, String)] = [
            ("after g", String(repeating: GDBWire.frame("g"), count: 50)),
            ("after qXfer", String(repeating: GDBWire.frame("qXfer:features:read:target.xml:0,ffb"), count: 50)),
            ("mid-packet", String(repeating: GDBWire.frame("m40200000,100"), count: 50) + "$m4020"),
        ]
        for (when, bytes) in requests {
            let w = try hello()
            w.send(bytes)
            w.close()
            XCTAssertEqual(w.exitStatus(), 0, "\(when): \(w.stderrText)")
        }
    }

    func testGDBClosingTheConnectionWhileTheGuestRunsStopsArmvm() throws {
        let w = try GDBWire(image: CLI.guest("bench/loop-1e9.elf"))
        // A breakpoint never reached: the guest runs a step at a time, minutes to its end.
        XCTAssertEqual(w.request("Z0,10,4"), "+$OK#9a")
        w.send(GDBWire.frame("c"))
        XCTAssertEqual(w.receive(prefix: 1), "+")
        usleep(100_000)
        w.close()
        XCTAssertEqual(w.exitStatus(within: 5), 0, "armvm stopped when gdb went away")
    }

    func testCtrlCStopsARunningGuest() throws {
        let w = try GDBWire(image: CLI.guest("bench/loop-1e9.elf"))
        w.send(GDBWire.frame("c"))
        XCTAssertEqual(w.receive(prefix: 1), "+")
        usleep(100_000)
        w.send([0x03])
        XCTAssertEqual(w.receive(), "$S05#b8")
        assertKillEndsCleanly(w)
    }

    /// The ack and the reply go in one write, so gdb gets them in one segment, without waiting.
    func testAckAndReplyArriveTogether() throws {
        let w = try hello()
        for _ in 0..<5 {
            w.send(GDBWire.frame("?"))
            XCTAssertEqual(w.receiveOnce(), "+$S05#b8")
            w.send("+")
        }
        assertKillEndsCleanly(w)
    }

    /// Ctrl-C in the same segment as the `c` it interrupts.
    func testCtrlCRightAfterContinueStops() throws {
        let w = try GDBWire(image: CLI.guest("bench/loop-1e9.elf"))
        w.send(Array(GDBWire.frame("c").utf8) + [0x03])
        XCTAssertEqual(w.receive(prefix: 1), "+")
        XCTAssertEqual(w.receive(), "$S05#b8")
        assertKillEndsCleanly(w)
    }

    func testNoAckMode() throws {
        let w = try hello()
        XCTAssertTrue(w.request("qSupported").contains("QStartNoAckMode+"))
        XCTAssertEqual(w.request("QStartNoAckMode"), "+$OK#9a")   // gdb acks this OK, then no more acks
        w.acking = false
        XCTAssertEqual(w.request("?"), "$S05#b8")
        XCTAssertEqual(w.request("m40200000,4x"), "$E01#a6")
        assertKillEndsCleanly(w)
    }
}

/// `armvm run --gdb 0` and a raw TCP connection to it, to send exactly the bytes a gdb would
/// (or should not) and see exactly what armvm answers.
final class GDBWire {
    let process = Process()
    private(set) var port: UInt16 = 0
    private var fd: Int32 = -1
    private let stderrPipe = Pipe()
    /// stderr read so far: the announce line, and what came before it.
    private(set) var stderrText = ""

    /// Starts armvm on `image` with `--gdb 0`, reads the port from its announce line, connects.
    init(image: String, connect: Bool = true, stdout: Pipe? = nil, arguments: [String] = []) throws {
        guard let armvm = CLI.binary else { throw XCTSkip("no armvm binary") }
        process.executableURL = URL(fileURLWithPath: armvm)
        process.arguments = ["run", "--board", "virt", "--gdb", "0"] + arguments + [image]
        process.currentDirectoryURL = CLI.root
        if let stdout { process.standardOutput = stdout } else { process.standardOutput = FileHandle.nullDevice }
        process.standardError = stderrPipe
        try process.run()
        guard let line = readLine(containing: "waiting for gdb") else {
            throw GDBWireError("no announce line on stderr: \(stderrText)")
        }
        // "armvm: waiting for gdb on 127.0.0.1:PORT (target remote :PORT)"
        guard let r = line.range(of: "127.0.0.1:"), let p = UInt16(line[r.upperBound...].prefix { $0.isNumber }), p != 0 else {
            throw GDBWireError("the announce line names no port: \(line)")
        }
        port = p
        if connect { try self.connect() }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        if process.isRunning { process.terminate() }
    }

    private func connect() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw GDBWireError("cannot connect to port \(port)") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)   // a missing reply fails the test instead of hanging it
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// `$data#checksum`.
    static func frame(_ data: String) -> String {
        let sum = data.utf8.reduce(UInt8(0)) { $0 &+ $1 }
        return "$" + data + "#" + String(format: "%02x", sum)
    }

    func send(_ bytes: String) { send(Array(bytes.utf8)) }

    func send(_ bytes: [UInt8]) {
        var at = 0
        while at < bytes.count {
            let n = bytes[at...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            at += n
        }
    }

    /// What arrives up to the end of a reply packet (`$...#xx`) or a lone `-`, or `prefix`
    /// bytes; less on timeout or end of stream. A whole packet is acknowledged as gdb does,
    /// until `acking` is turned off (no-ack mode).
    func receive(prefix: Int = .max) -> String {
        var got: [UInt8] = []
        var b: UInt8 = 0
        while got.count < prefix, recv(fd, &b, 1, 0) == 1 {
            got.append(b)
            if got == [UInt8(ascii: "-")] { break }
            if let hash = got.lastIndex(of: UInt8(ascii: "#")), got.contains(UInt8(ascii: "$")), got.count == hash + 3 {
                if acking { send("+") }
                break
            }
        }
        return String(decoding: got, as: UTF8.self)
    }

    var acking = true

    /// What one recv returns.
    func receiveOnce() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
    }

    /// Sends one well-formed packet and returns what came back, the `+` ack included.
    func request(_ data: String) -> String {
        send(Self.frame(data))
        return receive()
    }

    func close() {
        Glibc.close(fd)
        fd = -1
    }

    /// armvm's exit status once it ends by itself within `seconds` (128 + signal if killed by
    /// one), nil if it is still running.
    func exitStatus(within seconds: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// armvm's peak resident memory (VmHWM), KiB.
    func peakMemoryKB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { throw GDBWireError("no VmHWM") }
        return kb
    }

    /// The rest of stderr, once armvm has ended.
    func remainingStderr() -> String {
        stderrText += String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return stderrText
    }

    private func readLine(containing needle: String) -> String? {
        let fd = stderrPipe.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(20)
        var bytes: [UInt8] = []
        var b: UInt8 = 0
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { break }
            if p.revents == 0 { continue }
            guard read(fd, &b, 1) == 1 else { break }
            guard b == UInt8(ascii: "\n") else { bytes.append(b); continue }
            let line = String(decoding: bytes, as: UTF8.self)
            stderrText += line + "\n"
            if line.contains(needle) { return line }
            bytes = []
        }
        stderrText += String(decoding: bytes, as: UTF8.self)
        return nil
    }
}

struct GDBWireError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
