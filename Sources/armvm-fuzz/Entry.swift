// armvm-fuzz: libFuzzer harnesses for everything armvm parses from the host (docs/FUZZING.md).
//
// One executable, harness chosen by name (--harness=NAME), rather than one target per harness:
// the harnesses share the temp-file and oracle code, and each extra target would be one more
// link of the whole Board stack in every build. Built two ways:
//   - with -D FUZZING and -sanitize=fuzzer,address (`make fuzz-host`): libFuzzer supplies main
//     and calls LLVMFuzzerTestOneInput; flags starting with "--" are left to the target, so
//     --harness=NAME rides along with libFuzzer's own -flags;
//   - plainly (`swift build`, `make fuzz-replay`): a small main replays corpus files, so the
//     seed corpus and past findings run as a regression test without the fuzzer.
#if canImport(Glibc)
import Glibc
#endif

#if FUZZING

/// The harness LLVMFuzzerInitialize picked; nil until then.
nonisolated(unsafe) private var selected: Harness?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    var args: [String] = []
    if let v = argv.pointee {
        for i in 0..<Int(argc.pointee) { if let a = v[i] { args.append(String(cString: a)) } }
    }
    guard let name = harnessArgument(args), let h = Harness.named(name) else {
        writeStderr("armvm-fuzz: give --harness=NAME, one of: \(Harness.all.map(\.name).joined(separator: ", "))\n")
        exit(2)
    }
    selected = h
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let h = selected else { return 0 }
    // libFuzzer may pass a null pointer with size 0.
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    h.run(bytes)
    return 0
}

#else

@main
enum Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        let verbose = args.contains("-v")
        let paths = args.filter { !$0.hasPrefix("-") }
        guard let name = harnessArgument(args), let h = Harness.named(name), !paths.isEmpty else {
            writeStderr("""
                usage: armvm-fuzz --harness=NAME [-v] FILE_OR_DIR...
                Replays each file through the harness (no fuzzing: build with `make fuzz-host` for that).
                harnesses: \(Harness.all.map(\.name).joined(separator: ", "))

                """)
            exit(2)
        }
        var count = 0
        for file in paths.flatMap(corpusFiles) {
            // Named before it runs, so the last line before a crash says which input it was.
            if verbose { writeStderr("\(name): \(file)\n") }
            guard let bytes = readWholeFile(file) else {
                writeStderr("armvm-fuzz: cannot read \(file)\n")
                exit(2)
            }
            h.run(bytes)
            count += 1
        }
        print("armvm-fuzz \(name): replayed \(count) inputs, no crash")
    }

    /// A directory's regular files, sorted (so runs are alike); a file as itself.
    static func corpusFiles(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(path + "/" + name)
        }
        return names.sorted()
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            out += chunk[..<n]
        }
        return ferror(f) == 0 ? out : nil
    }
}

#endif

/// The NAME of --harness=NAME.
func harnessArgument(_ args: [String]) -> String? {
    let prefix = "--harness="
    return args.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
}

func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
