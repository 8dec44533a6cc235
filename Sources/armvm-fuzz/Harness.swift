import Board
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz target: takes any bytes, must neither crash nor break the oracle it checks.
struct Harness {
    let name: String
    let run: ([UInt8]) -> Void

    static let all: [Harness] = [
        Harness(name: "image", run: ImageHarness.run),
        Harness(name: "dtb", run: DeviceTreeHarness.run),
        Harness(name: "boot-options", run: BootOptionHarness.run),
        Harness(name: "gdb-packet", run: GDBPacketHarness.run),
    ]

    static func named(_ name: String) -> Harness? { all.first { $0.name == name } }
}

/// The harness's oracle failed: report it the way a crash is reported, so libFuzzer saves the
/// input. Only for broken invariants of armvm's own, never for input that is merely bad.
func finding(_ what: String) -> Never {
    fatalError("armvm-fuzz finding: \(what)")
}

/// Expected failures are HostInputError (the CLI prints those as one line, status 2). Any other
/// error reaching the CLI from user input prints an internal message with no remedy: a finding.
func expectHostInputError(_ harness: String, _ body: () throws -> Void) {
    do { try body() } catch is HostInputError {
    } catch {
        finding("\(harness): user input raised a non-HostInputError: \(error)")
    }
}

/// A host file whose contents are replaced for each input. armvm reads images and DTBs by path
/// (HostFile.read); feeding the fuzz input through a real file keeps that read path in the
/// loop. The file is unlinked at once and named through /proc/self/fd, so a crashed or killed
/// run leaves nothing behind and parallel runs (-jobs, -fork) do not share it.
final class HostInput {
    private let fd: Int32
    let path: String

    init(_ label: String) {
        // tmpfs when there is one: on ext4, truncating to 0 and closing starts writeback
        // (auto_da_alloc), which made each execution wait on the disk.
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(dir)/armvm-fuzz-\(label)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { p -> Int32 in
            guard let base = p.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { fatalError("armvm-fuzz: cannot create a temp file in \(dir)") }
        template.withUnsafeBufferPointer { p in _ = p.baseAddress.map { unlink($0) } }
        self.fd = fd
        self.path = "/proc/self/fd/\(fd)"
    }

    func set(_ bytes: [UInt8]) {
        guard ftruncate(fd, 0) == 0 else { fatalError("armvm-fuzz: ftruncate failed") }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return pwrite(fd, base + done, raw.count - done, off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { fatalError("armvm-fuzz: cannot write the temp file") }
            done += n
        }
    }
}

/// Options for a machine that is quick to build: the smallest RAM the seeds need. The guest
/// RAM is reserved, not committed (MAP_NORESERVE), so the cost is the pages touched.
func smallMachine(board: BoardKind = .virt) -> MachineOptions {
    var o = MachineOptions()
    o.board = board
    o.memorySize = 8 << 20
    return o
}
