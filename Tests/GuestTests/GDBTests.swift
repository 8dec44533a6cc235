import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `armvm run --gdb PORT` driven by the real gdb-multiarch, and by a raw socket that sends what
/// a broken or hostile gdb could: armvm must answer each packet and keep running, or end with
/// status 0 when gdb goes away.
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

    // MARK: The raw protocol

    func hello() throws -> GDBWire { try GDBWire(image: CLI.guest("hello.elf")) }

    /// gdb's `k`: armvm ends with status 0, which also shows it was still alive.
    func assertKillEndsCleanly(_ w: GDBWire, file: StaticString = #filePath, line: UInt = #line) {
        w.send(GDBWire.frame("k"))
        XCTAssertEqual(w.exitStatus(), 0, "stderr: \(w.stderrText)", file: file, line: line)
    }

    func testPortZeroAnnouncesThePortItListensOn() throws {
        let w = try hello()   // fails unless the announce line names a real port
        XCTAssertNotEqual(w.port, 0)
        XCTAssertEqual(w.request("?"), "+$S05#b8")
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
    init(image: String, connect: Bool = true, stdout: Pipe? = nil) throws {
        guard let armvm = CLI.binary else { throw XCTSkip("no armvm binary") }
        process.executableURL = URL(fileURLWithPath: armvm)
        process.arguments = ["run", "--board", "virt", "--gdb", "0", image]
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
