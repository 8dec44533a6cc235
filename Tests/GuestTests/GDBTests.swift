import Foundation
import XCTest

/// `armvm run --gdb PORT` driven by the real gdb-multiarch: connect, see the first instruction,
/// stop at a breakpoint in C, read registers and memory, step, continue to the guest's exit.
final class GDBTests: XCTestCase {
    func testGDBBreaksStepsAndContinuesToExit() throws {
        let gdb = "/usr/bin/gdb-multiarch"
        guard FileManager.default.isExecutableFile(atPath: gdb) else { throw XCTSkip("gdb-multiarch is not installed") }
        guard let armvm = CLI.binary else { throw XCTSkip("no armvm binary") }
        let image = try CLI.guest("hello.elf")
        let port = 20_000 + Int(getpid() % 20_000)
        let emulator = Process()
        emulator.executableURL = URL(fileURLWithPath: armvm)
        emulator.arguments = ["run", "--board", "virt", "--gdb", String(port), image]
        emulator.currentDirectoryURL = CLI.root
        let guestOut = Pipe()
        emulator.standardOutput = guestOut
        emulator.standardError = Pipe()
        try emulator.run()
        defer { if emulator.isRunning { emulator.terminate() } }
        usleep(300_000)   // let it listen
        let r = try CLI.run(["-q", "-batch", "-nx", image, "-ex", "target remote :\(port)",
                             "-ex", "info registers pc", "-ex", "break main", "-ex", "continue",
                             "-ex", "info registers x0", "-ex", "x/1i $pc", "-ex", "stepi",
                             "-ex", "info registers pc", "-ex", "continue"], executable: gdb)
        emulator.waitUntilExit()
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("0x40200000 <_start>"), "stopped before the first instruction:\n\(out)")
        XCTAssertTrue(out.contains("Breakpoint 1, main"), out)
        XCTAssertTrue(out.contains("<main+4>"), "stepi moved one instruction:\n\(out)")
        XCTAssertTrue(out.contains("exited normally"), out)
        XCTAssertEqual(emulator.terminationStatus, 0)
        let printed = String(decoding: guestOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("Hello from EL2 on linux,dummy-virt"), printed)
    }
}
