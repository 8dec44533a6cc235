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

    static func run(_ args: [String], executable: String? = nil) throws -> Result {
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
        try p.run()
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
