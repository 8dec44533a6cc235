import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Typing into a guest through armvm's stdin (Guests/uart-echo.c reads a line from the console
/// UART's receiver and prints it back).
final class ConsoleInputCLITests: XCTestCase {
    func instructions(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains("instructions in") }.map { String($0.split(separator: " ")[1]) }
    }

    /// From a pipe, the bytes reach the guest at fixed guest times: the same input gives the same
    /// output and instruction count whether it came at once or in pieces with pauses between.
    func testPipedInputReachesBothUARTsDeterministically() throws {
        for args in [["--board", "virt", try CLI.guest("uart-echo.elf")],
                     ["--board", "arndale", "--uart", "exynos", "--el", "1", try CLI.guest("uart-echo32.elf")],
                     ["--board", "arndale", "--el", "1", try CLI.guest("uart-echo32.elf")]] {
            let once = try CLI.run(["run", "--stats"] + args, input: ["hello there\n"])
            XCTAssertEqual(once.status, 0, once.stdout + once.stderr)
            XCTAssertTrue(once.stdout.contains("uart-echo: got 'hello there' (11 characters)\n"), once.stdout)
            let pieces = try CLI.run(["run", "--stats"] + args, input: ["hel", "lo the", "re\n"])
            XCTAssertEqual(pieces.stdout, once.stdout)
            XCTAssertNotNil(instructions(once.stderr))
            XCTAssertEqual(instructions(pieces.stderr), instructions(once.stderr), "the same input, the same instruction count")
        }
    }

    /// On a terminal: raw mode (a key arrives without Enter, unechoed), Ctrl-A Ctrl-A sends one
    /// Ctrl-A, Ctrl-A x quits with status 0, and the terminal is as it was afterwards.
    func testTerminalIsRawQuitsOnCtrlAXAndIsRestored() throws {
        guard let exe = CLI.binary else { throw XCTSkip("no armvm binary") }
        // A pseudo-terminal through /dev/ptmx: unlock it (TIOCSPTLCK) and ask its number
        // (TIOCGPTN), as posix_openpt, unlockpt and ptsname do (Swift's Glibc lacks them).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw XCTSkip("no pseudo-terminal")
        }
        defer { close(master) }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        defer { close(slave) }
        var before = termios()
        tcgetattr(slave, &before)
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["run", try CLI.guest("uart-echo.elf")]
        p.standardInput = tty
        p.standardOutput = tty
        p.standardError = tty
        try p.run()
        var seen = ""
        func readUntil(_ text: String) {
            var buf = [UInt8](repeating: 0, count: 512)
            let end = Date().addingTimeInterval(20)
            while !seen.contains(text) && Date() < end {
                var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&fds, 1, 100) > 0 else { continue }
                let n = read(master, &buf, buf.count)
                if n > 0 { seen += String(decoding: buf[..<n], as: UTF8.self) }
            }
        }
        readUntil("type a line")
        Thread.sleep(forTimeInterval: 0.3)
        var during = termios()
        tcgetattr(slave, &during)
        XCTAssertEqual(during.c_lflag & tcflag_t(ICANON | ECHO), 0, "raw while the guest reads")
        _ = write(master, "a\u{1}\u{1}b\u{1}x", 6)
        readUntil("Ctrl-A x")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, seen)
        XCTAssertTrue(seen.contains("armvm: stopped by Ctrl-A x"), seen)
        XCTAssertFalse(seen.contains("a\u{1}b"), "no echo in raw mode: \(seen)")
        var after = termios()
        tcgetattr(slave, &after)
        XCTAssertEqual(after.c_lflag, before.c_lflag, "the terminal is restored")
        XCTAssertEqual(after.c_iflag, before.c_iflag)
    }
}
