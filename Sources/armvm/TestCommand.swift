import ArgumentParser
import Board
import TestManifest
#if canImport(Glibc)
import Glibc
#endif

/// `armvm test`: runs every row of one or more manifests (docs/MANIFEST.md), each as a child
/// `armvm run` of this same binary, several at a time, and reports in manifest order.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the rows of run manifests in parallel and report: a summary, JUnit XML, TAP.",
        discussion: """
        Each row is one `armvm run` with a wall-clock and an instruction limit, judged by its \
        exit status and console output (docs/MANIFEST.md). Exit status: 0 when every row \
        passes, 1 when any fails, 2 for a bad manifest or option.
        """)

    @Argument(help: "Manifest files (format: docs/MANIFEST.md).")
    var manifests: [String] = []

    @Option(name: .shortAndLong, help: "Rows to run at once (default: the host's CPU count).")
    var jobs: Int?

    @Option(help: "Also write a JUnit XML report to this file.")
    var junit: String?

    @Flag(help: "Print TAP version 13 on stdout instead of the summary.")
    var tap = false

    @Option(help: "Run only rows whose name contains this text (repeatable: any of them).")
    var filter: [String] = []

    /// Seconds a child may outlive its own --timeout before it is killed: it stops itself at
    /// the timeout, so this only catches a child stuck outside the run loop.
    static let grace: Double = 10

    func run() throws {
        guard !manifests.isEmpty else { throw HostInputError(message: "test: name at least one manifest file") }
        let jobs = self.jobs ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        guard jobs >= 1 else { throw HostInputError(message: "--jobs must be at least 1, not \(jobs)") }
        var suites: [Manifest] = []
        for path in manifests {
            let bytes = try HostFile.read(path, limit: 16 << 20, option: "test")
            let text = String(decoding: bytes, as: UTF8.self)
            var manifest: Manifest
            do {
                manifest = try Manifest.parse(text, path: path) { file in
                    (try? HostFile.read(Self.resolve(file, in: Manifest(path: path, rows: []).directory), limit: 64 << 20))
                        .map { String(decoding: $0, as: UTF8.self) }
                }
            } catch let e as ManifestError {
                throw HostInputError(message: e.description)
            }
            if !filter.isEmpty {
                manifest.rows = manifest.rows.filter { row in filter.contains { row.name.contains($0) } }
            }
            suites.append(manifest)
        }
        let total = suites.reduce(0) { $0 + $1.rows.count }
        guard total > 0 else {
            throw HostInputError(message: filter.isEmpty ? "test: the manifests have no rows" : "test: no row name contains \(filter.map { "'\($0)'" }.joined(separator: " or "))")
        }
        // An unwritable report is found out before the rows run, not after.
        if let junit { try writeOutput([], to: junit) }
        guard let exe = Self.ownExecutable() else { throw HostInputError(message: "test: cannot find armvm's own binary (/proc/self/exe)") }

        HostSignals.install()
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let width = suites.flatMap { $0.rows }.map { $0.name.count }.max() ?? 0
        var printed = 0
        let verdicts = RowPool(suites: suites, executable: exe, jobs: jobs).run { all in
            // Lines appear as soon as every row before them is done: manifest order, whatever
            // --jobs did to the finishing order.
            guard !tap else { return }
            while printed < all.count, let v = all[printed] {
                print(summaryLine(v, nameWidth: width))
                printed += 1
            }
        }
        var reports: [SuiteReport] = []
        var k = 0
        for s in suites {
            reports.append(SuiteReport(manifest: s.path, verdicts: Array(verdicts[k..<k + s.rows.count])))
            k += s.rows.count
        }
        let failed = reports.reduce(0) { $0 + $1.failedRows }
        let skipped = reports.reduce(0) { $0 + $1.skippedRows }
        if tap {
            print(tapReport(reports), terminator: "")
        } else {
            let checks = reports.flatMap(\.checks)
            let ofChecks = checks.isEmpty ? "" : "; \(checks.count) guest checks: \(checks.filter { $0.ok && $0.counts }.count) ok, "
                + "\(checks.filter(\.failed).count) failed, \(checks.filter { !$0.counts }.count) TODO or SKIP"
            print("\(total) rows: \(total - failed - skipped) passed, \(failed) failed, \(skipped) skipped\(ofChecks) in \(formatSeconds(elapsed(since: start))) s (--jobs \(jobs))")
        }
        if let junit { try writeOutput(Array(junitXML(reports).utf8), to: junit) }
        if let sig = HostSignals.pending {
            FileHandle.standardError.write("armvm: test stopped by \(HostSignals.name(sig))\n")
            Glibc.exit(HostSignals.exitStatus(sig))
        }
        Glibc.exit(failed > 0 ? 1 : 0)
    }

    static func resolve(_ file: String, in directory: String) -> String {
        file.hasPrefix("/") ? file : directory + "/" + file
    }

    static func ownExecutable() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

func elapsed(since t0: timespec) -> Double {
    var t1 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t1)
    return Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
}

/// Runs rows as child processes, at most `jobs` at a time. Each child's stdout, stderr and
/// --stats-file go to temporary files (no pipes, so a chatty guest never blocks on a full one),
/// read back when it exits. One thread: it spawns, reaps with waitpid(WNOHANG), kills a child
/// that outlives its timeout by `TestCommand.grace`, and sleeps 2 ms in between.
final class RowPool {
    struct Job {
        var suite: Int
        var row: ManifestRow
        var directory: String
    }
    struct Running {
        var index: Int
        var pid: pid_t
        var start: timespec
        var files: [String]
        var killed: Double?
    }

    let jobs: [Job]
    let executable: String
    let parallel: Int

    init(suites: [Manifest], executable: String, jobs: Int) {
        self.jobs = suites.enumerated().flatMap { (i, s) in s.rows.map { Job(suite: i, row: $0, directory: s.directory) } }
        self.executable = executable
        parallel = jobs
    }

    /// Every row's verdict, in manifest order; `progress` sees the table after each one lands.
    func run(progress: ([Verdict?]) -> Void) -> [Verdict] {
        var done = [Verdict?](repeating: nil, count: jobs.count)
        var running: [Running] = []
        var next = 0
        var interrupted = false
        while next < jobs.count || !running.isEmpty {
            var changed = false
            if !interrupted, HostSignals.pending != nil {
                // Cancelled (Ctrl-C, a CI job's SIGTERM): the running rows stop with their output
                // flushed, the others are reported as not run, and the reports are still written.
                interrupted = true
                for r in running { kill(r.pid, SIGTERM) }
                for k in next..<jobs.count {
                    done[k] = Verdict(row: jobs[k].row, kind: .skip, reason: "not run: armvm test was interrupted")
                }
                next = jobs.count
                changed = true
            }
            while running.count < parallel && next < jobs.count {
                let job = jobs[next]
                if let why = job.row.skip {
                    done[next] = Verdict(row: job.row, kind: .skip, reason: why)
                } else if let absent = job.row.needs.first(where: { access(TestCommand.resolve($0, in: job.directory), F_OK) != 0 }) {
                    done[next] = Verdict(row: job.row, kind: .skip, reason: "needs \(absent), which is missing")
                } else {
                    switch spawn(job, index: next) {
                    case .success(let r): running.append(r)
                    case .failure(let e):
                        done[next] = judge(job.row, RunResult(ending: .notStarted(e.message), stdout: "", stderr: "", seconds: 0), expectedText: nil)
                    }
                }
                next += 1
                changed = true
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0, let k = running.firstIndex(where: { $0.pid == pid }) {
                let r = running.remove(at: k)
                done[r.index] = finish(r, status: status)
                changed = true
            }
            for k in running.indices where running[k].killed == nil {
                let t = elapsed(since: running[k].start)
                if t > jobs[running[k].index].row.timeout + TestCommand.grace {
                    kill(running[k].pid, SIGKILL)
                    running[k].killed = t
                }
            }
            if changed { progress(done) } else if pid <= 0 {
                var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
                nanosleep(&pause, nil)
            }
        }
        return done.map { $0! }
    }

    struct SpawnError: Error { var message: String }

    func spawn(_ job: Job, index: Int) -> Result<Running, SpawnError> {
        var files: [String] = []
        func temp() -> (String, Int32)? {
            let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
            var template = Array("\(dir)/armvm-test-XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else { return nil }
            let path = String(cString: template)
            files.append(path)
            return (path, fd)
        }
        guard let (_, out) = temp(), let (_, err) = temp(), let (stats, statsFD) = temp() else {
            for f in files { unlink(f) }
            return .failure(SpawnError(message: "cannot create a temporary file: \(String(cString: strerror(errno)))"))
        }
        close(statsFD)
        defer { close(out); close(err) }
        let row = job.row
        var args = row.runArguments
        args.insert(contentsOf: ["--timeout", String(row.timeout), "--max-instructions", String(row.maxInstructions),
                                 "--stats-file", stats], at: 1)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, err, 2)
        let argv = ([executable] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var pid: pid_t = 0
        // Relative paths in a row are relative to its manifest, wherever armvm test runs from.
        // This glibc's Swift overlay lacks posix_spawn_file_actions_addchdir_np, and the runner
        // has one thread, so it steps into the directory around the spawn instead.
        let here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard here >= 0, chdir(job.directory) == 0 else {
            if here >= 0 { close(here) }
            for f in files { unlink(f) }
            return .failure(SpawnError(message: "cannot enter \(job.directory): \(String(cString: strerror(errno)))"))
        }
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        let back = fchdir(here)
        close(here)
        precondition(back == 0, "cannot return to the working directory")
        guard rc == 0 else {
            for f in files { unlink(f) }
            return .failure(SpawnError(message: "posix_spawn \(executable): \(String(cString: strerror(rc)))"))
        }
        return .success(Running(index: index, pid: pid, start: start, files: files))
    }

    func finish(_ r: Running, status: Int32) -> Verdict {
        let seconds = elapsed(since: r.start)
        let job = jobs[r.index]
        func read(_ path: String) -> String {
            String(decoding: (try? HostFile.read(path, limit: 1 << 30)) ?? [], as: UTF8.self)
        }
        let stdout = read(r.files[0]), stderr = read(r.files[1]), stats = read(r.files[2])
        for f in r.files { unlink(f) }
        let ending: RunResult.Ending
        if let after = r.killed {
            ending = .killed(afterSeconds: after)
        } else if status & 0x7F == 0 {
            ending = .exited((status >> 8) & 0xFF)
        } else {
            // Killed by a signal nobody here sent: report it as the shell would.
            ending = .exited(128 + (status & 0x7F))
        }
        let result = RunResult(ending: ending, stdout: stdout, stderr: stderr, seconds: seconds,
                               instructions: Self.instructions(inStats: stats))
        var expected: String?
        if case .exact(let file) = job.row.expected {
            expected = String(decoding: (try? HostFile.read(TestCommand.resolve(file, in: job.directory), limit: 1 << 30)) ?? [], as: UTF8.self)
        }
        return judge(job.row, result, expectedText: expected)
    }

    /// The top-level "instructions" of a --stats-file JSON object (the first such key).
    static func instructions(inStats json: String) -> UInt64? {
        let key = "  \"instructions\": "
        guard let line = json.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
        return UInt64(line.dropFirst(key.count).prefix { $0.isNumber })
    }
}
