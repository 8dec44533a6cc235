import Foundation
import XCTest

/// Runs the real `armvm` binary, as a user would.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary under test: $ARMVM (set by `make test` to the release build), else a local build.
    static var binary: String? {
        if let p = ProcessInfo.processInfo.environment["ARMVM"], FileManager.default.isExecutableFile(atPath: p) { return p }
        for c in [".build/release/armvm", ".build/debug/armvm"] {
            let p = root.appendingPathComponent(c).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `args`; stdin is /dev/null, or a pipe that gets each of `input`'s chunks 0.2 s apart
    /// and is then closed.
    static func run(_ args: [String], executable: String? = nil, input: [String] = []) throws -> Result {
        guard let exe = executable ?? binary else {
            throw XCTSkip("no armvm binary: run `make test` (or swift build) first")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let stdin = Pipe()
        p.standardInput = input.isEmpty ? FileHandle.nullDevice : stdin
        try p.run()
        if !input.isEmpty {
            let writer = stdin.fileHandleForWriting
            DispatchQueue.global().async {
                for (i, chunk) in input.enumerated() {
                    if i > 0 { Thread.sleep(forTimeInterval: 0.2) }
                    writer.write(Data(chunk.utf8))
                }
                try? writer.close()
            }
        }
        // Read both pipes fully before waiting so that a chatty guest cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let o = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { o.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o.data, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    /// A guest image built by `make guests`.
    static func guest(_ name: String) throws -> String {
        let p = root.appendingPathComponent("Guests/build/\(name)").path
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("\(p) missing: run `make guests`") }
        return p
    }
}
