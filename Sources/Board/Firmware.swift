import ARMCore
#if canImport(Glibc)
import Glibc
#endif

/// The firmware armvm provides in place of EL3 (and of EL2 when the guest starts at EL1):
/// PSCI over the SMC Calling Convention, and Arm semihosting. Reached only from SMC, HVC and
/// HLT, never on the hot path.
public final class Firmware: FirmwareHandler {
    /// PSCI function IDs (Arm DEN 0022, PSCI 1.0, table 5).
    public enum PSCI {
        public static let version: UInt64 = 0x8400_0000
        public static let cpuSuspend32: UInt64 = 0x8400_0001
        public static let cpuSuspend64: UInt64 = 0xC400_0001
        public static let cpuOff: UInt64 = 0x8400_0002
        public static let cpuOn32: UInt64 = 0x8400_0003
        public static let cpuOn64: UInt64 = 0xC400_0003
        public static let affinityInfo32: UInt64 = 0x8400_0004
        public static let affinityInfo64: UInt64 = 0xC400_0004
        public static let migrateInfoType: UInt64 = 0x8400_0006
        public static let systemOff: UInt64 = 0x8400_0008
        public static let systemReset: UInt64 = 0x8400_0009
        public static let features: UInt64 = 0x8400_000A

        public static let success: Int64 = 0
        public static let notSupported: Int64 = -1
        public static let invalidParameters: Int64 = -2
        public static let denied: Int64 = -3
        public static let alreadyOn: Int64 = -4
    }

    /// Semihosting operations (Arm "Semihosting for AArch32 and AArch64", v2).
    public enum Semihosting {
        public static let trapImmediate: UInt32 = 0xF000
        public static let open: UInt64 = 0x01
        public static let close: UInt64 = 0x02
        public static let writeC: UInt64 = 0x03
        public static let write0: UInt64 = 0x04
        public static let write: UInt64 = 0x05
        public static let read: UInt64 = 0x06
        public static let readC: UInt64 = 0x07
        public static let isTTY: UInt64 = 0x09
        public static let seek: UInt64 = 0x0A
        public static let flen: UInt64 = 0x0C
        public static let remove: UInt64 = 0x0E
        public static let clock: UInt64 = 0x10
        public static let errno: UInt64 = 0x13
        public static let getCmdline: UInt64 = 0x15
        public static let heapInfo: UInt64 = 0x16
        public static let exit: UInt64 = 0x18
        public static let exitExtended: UInt64 = 0x20
        public static let elapsed: UInt64 = 0x30
        public static let tickFreq: UInt64 = 0x31
        public static let applicationExit: UInt64 = 0x20026
        /// The handles SYS_OPEN gives for ":tt" (the console), read and write.
        public static let consoleIn: UInt64 = 1
        public static let consoleOut: UInt64 = 2
        /// SYS_ELAPSED counts virtual nanoseconds, so runs repeat exactly.
        public static let ticksPerSecond: UInt64 = 1_000_000_000
        /// errno values SYS_ERRNO reports (Linux's numbering, as QEMU's semihosting uses).
        public static let EACCES: UInt64 = 13
        public static let EBADF: UInt64 = 9
        public static let EMFILE: UInt64 = 24
        public static let EFAULT: UInt64 = 14
    }

    /// What SYS_HEAPINFO reports: the largest stretch of RAM no image, initrd, boot module or
    /// DTB occupies, the top `stackSize` of it as the stack and the rest as the heap.
    public struct HeapInfo: Equatable {
        public var heapBase: UInt64, heapLimit: UInt64, stackBase: UInt64, stackLimit: UInt64
        public static let stackSize: UInt64 = 1 << 20

        public init(free: AddressRange) {
            let base = (free.base + 15) & ~15
            let top = free.end & ~15
            let stack = min(Self.stackSize, (top - base) / 4 & ~15)
            heapBase = base
            heapLimit = top - stack
            stackBase = top
            stackLimit = top - stack
        }
    }

    let console: Console
    /// All CPUs of the machine, to answer CPU_ON and AFFINITY_INFO.
    public var cpus: [CPU] = []
    /// Which CPUs are on (PSCI power state); the machine runs only these.
    public var online: [Bool] = []
    /// The EL a CPU turned on by CPU_ON enters at: the EL the boot CPU started at.
    public var startEL: UInt8 = 1

    /// SYS_GET_CMDLINE's answer: `--append`.
    public var commandLine = ""
    public var heapInfo: HeapInfo?
    /// SYS_READC and reads from the ":tt" handle read this descriptor (armvm's stdin).
    public var inputFD: Int32 = 0
    /// The console UART's input over the same descriptor: bytes it read and has not given the
    /// guest are read first, so no byte is lost between the two.
    public var consoleInput: ConsoleInput?
    /// The last semihosting error, for SYS_ERRNO.
    var lastError: UInt64 = 0
    /// `--semihosting-dir`: the one host directory SYS_OPEN and SYS_REMOVE may reach, by file
    /// name only (no '/', so nothing outside it), as a directory descriptor. Nil: host files
    /// are refused.
    public var hostDirectory: Int32?
    /// Open host files by handle (3 and up; 1 and 2 are the console).
    var hostFiles: [UInt64: Int32] = [:]

    public init(console: Console) { self.console = console }

    public func secureMonitorCall(cpu: CPU, isHVC: Bool) {
        let fn = cpu.x[0]
        // SMC32 calls carry their arguments in W registers (SMCCC 1.0, section 2.6).
        let is64 = fn & 0x4000_0000 != 0
        func arg(_ n: Int) -> UInt64 { is64 ? cpu.x[n] : cpu.x[n] & 0xFFFF_FFFF }
        var ret: Int64
        switch fn {
        case PSCI.version:
            ret = 0x0001_0000                      // PSCI 1.0
        case PSCI.features:
            switch arg(1) {
            case PSCI.version, PSCI.cpuSuspend32, PSCI.cpuSuspend64, PSCI.cpuOff, PSCI.cpuOn32, PSCI.cpuOn64,
                 PSCI.affinityInfo32, PSCI.affinityInfo64, PSCI.migrateInfoType, PSCI.systemOff,
                 PSCI.systemReset, PSCI.features:
                ret = PSCI.success
            default:
                ret = PSCI.notSupported
            }
        case PSCI.cpuSuspend32, PSCI.cpuSuspend64:
            // A standby power state that is woken at once: returning success is allowed (5.4.2).
            ret = PSCI.success
        case PSCI.cpuOff:
            // The CPU stops here; CPU_ON may start it again at a new entry point (5.5).
            if cpu.index < online.count { online[cpu.index] = false }
            cpu.requestStop(.powerOff)
            return
        case PSCI.cpuOn32, PSCI.cpuOn64:
            ret = cpuOn(target: arg(1), entry: arg(2), context: arg(3), caller: cpu)
        case PSCI.affinityInfo32, PSCI.affinityInfo64:
            // Level 0 only: 0 = ON, 1 = OFF (5.8).
            if arg(2) != 0 { ret = PSCI.invalidParameters; break }
            guard let t = cpuByAffinity(arg(1)) else { ret = PSCI.invalidParameters; break }
            ret = t.index < online.count && online[t.index] ? 0 : 1
        case PSCI.migrateInfoType:
            ret = 2                                // no Trusted OS: migration not required
        case PSCI.systemOff:
            cpu.requestStop(.exit(code: 0))
            return
        case PSCI.systemReset:
            cpu.requestStop(.reset)
            return
        default:
            // Unknown SMCCC function IDs return NOT_SUPPORTED (SMCCC 1.0, section 5.2).
            ret = PSCI.notSupported
        }
        cpu.x[0] = UInt64(bitPattern: ret)
    }

    /// CPU_ON (PSCI 5.6): the target starts at `entry` in the boot CPU's EL, MMU off, DAIF
    /// masked, x0 = `context`, and its clock joins the caller's so the counter agrees.
    private func cpuOn(target mpidr: UInt64, entry: UInt64, context: UInt64, caller: CPU) -> Int64 {
        guard let t = cpuByAffinity(mpidr) else { return PSCI.invalidParameters }
        if t.index < online.count && online[t.index] { return PSCI.alreadyOn }
        if caller.aarch32 {
            // An AArch32 caller starts its CPUs in AArch32 (A32, or T32 when bit 0 of the entry
            // point is set), r0 = context: in Hyp mode on a CPU whose EL2 is AArch32 and was
            // booted at EL2, as the boot CPU was (Linux checks that all CPUs agree), else SVC.
            let mode: AArch32Mode = t.aarch32Only && startEL == 2 ? .hyp : .svc
            t.bootAArch32(entry: UInt32(truncatingIfNeeded: entry) & ~1, mode: mode, thumb: entry & 1 != 0,
                          r0: UInt32(truncatingIfNeeded: context))
        } else {
            if entry & 3 != 0 { return -9 }   // INVALID_ADDRESS
            t.boot(entry: entry, el: startEL, x0: context)
        }
        t.waiting = false
        if t.virtualNanos < caller.virtualNanos { t.idleNanos &+= caller.virtualNanos - t.virtualNanos }
        if t.index < online.count { online[t.index] = true }
        return PSCI.success
    }

    private func cpuByAffinity(_ mpidr: UInt64) -> CPU? {
        cpus.first { $0.sysregs[SysReg.MPIDR_EL1] & 0xFF_00FF_FFFF == mpidr & 0xFF_00FF_FFFF }
    }

    public func halt(cpu: CPU, imm16: UInt32) -> Bool {
        guard imm16 == Semihosting.trapImmediate else { return false }
        let op = cpu.x[0] & 0xFFFF_FFFF
        // AArch32 passes 32-bit pointers and 32-bit words in parameter blocks.
        let size: UInt64 = cpu.aarch32 ? 4 : 8
        let param = cpu.aarch32 ? cpu.x[1] & 0xFFFF_FFFF : cpu.x[1]
        // Guest memory is read through the CPU's own translation; a bad pointer returns -1.
        func word(_ i: UInt64) -> UInt64? { try? cpu.readMemory(param &+ size &* i, size: Int(size)) }
        var result: UInt64 = 0
        switch op {
        case Semihosting.writeC:
            if let c = try? cpu.readMemory(param, size: 1) { console.write(UInt8(c)) }
        case Semihosting.write0:
            var a = param
            // Bounded so that an unterminated string cannot hang the host.
            for _ in 0..<(1 << 20) {
                guard let c = try? cpu.readMemory(a, size: 1), c != 0 else { break }
                console.write(UInt8(c))
                a &+= 1
            }
        case Semihosting.write:
            // {handle, buffer, length}: returns the number of bytes NOT written.
            guard let buf = word(1), let len = word(2) else { result = ~0; break }
            var bytes: [UInt8] = []
            while bytes.count < min(len, 1 << 24), let c = try? cpu.readMemory(buf &+ UInt64(bytes.count), size: 1) {
                bytes.append(UInt8(c))
            }
            if let h = word(0), let fd = hostFiles[h] {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                result = len - UInt64(max(n, 0))
                break
            }
            // Any other handle is the console, as before handles existed.
            console.write(bytes)
            result = len - UInt64(bytes.count)
        case Semihosting.clock:
            result = cpu.virtualNanos / 10_000_000    // centiseconds of virtual time
        case Semihosting.errno:
            result = lastError
        case Semihosting.heapInfo:
            // x1 points to a word holding the address of four words: heap base and limit, stack
            // base (its top) and limit. Zeros, "no information", only if RAM is all taken.
            guard let block = word(0) else { result = fail(Semihosting.EFAULT); break }
            let h = heapInfo
            let values = [h?.heapBase ?? 0, h?.heapLimit ?? 0, h?.stackBase ?? 0, h?.stackLimit ?? 0]
            for (i, v) in values.enumerated() {
                do { try cpu.writeMemory(block &+ UInt64(i) * size, size: Int(size), value: v) } catch { result = fail(Semihosting.EFAULT); break }
            }
        case Semihosting.getCmdline:
            // {buffer, length}: the command line and a NUL if it fits; length becomes its size.
            guard let buf = word(0), let len = word(1) else { result = fail(Semihosting.EFAULT); break }
            let bytes = Array(commandLine.utf8)
            guard UInt64(bytes.count) < len else { result = fail(Semihosting.EFAULT); break }
            do {
                for (i, b) in (bytes + [0]).enumerated() { try cpu.writeMemory(buf &+ UInt64(i), size: 1, value: UInt64(b)) }
                try cpu.writeMemory(param &+ size, size: Int(size), value: UInt64(bytes.count))
            } catch { result = fail(Semihosting.EFAULT) }
        case Semihosting.readC:
            // End of input reads as -1, C's EOF.
            result = readInput(1, cpu: cpu).first.map(UInt64.init) ?? ~0
        case Semihosting.open:
            // {name, mode, length}: only ":tt", the console (modes 0-3 read, 4-11 write). Host
            // files stay out of a guest's reach.
            guard let name = word(0), let mode = word(1), let len = word(2) else { result = fail(Semihosting.EFAULT); break }
            var text: [UInt8] = []
            for i in 0..<min(len, 64) { if let c = try? cpu.readMemory(name &+ i, size: 1) { text.append(UInt8(c)) } }
            if text == Array(":tt".utf8) && mode < 12 {
                result = mode < 4 ? Semihosting.consoleIn : Semihosting.consoleOut
            } else {
                result = openHostFile(text, mode: mode)
            }
        case Semihosting.close:
            guard let h = word(0) else { result = fail(Semihosting.EFAULT); break }
            if let fd = hostFiles.removeValue(forKey: h) { close(fd); result = 0; break }
            result = h == Semihosting.consoleIn || h == Semihosting.consoleOut ? 0 : fail(Semihosting.EBADF)
        case Semihosting.seek:
            // {handle, position from the start}: 0, or -1.
            guard let h = word(0), let pos = word(1) else { result = fail(Semihosting.EFAULT); break }
            guard let fd = hostFiles[h] else { result = fail(Semihosting.EBADF); break }
            result = lseek(fd, off_t(truncatingIfNeeded: pos), SEEK_SET) < 0 ? fail(UInt64(errno)) : 0
        case Semihosting.flen:
            guard let h = word(0) else { result = fail(Semihosting.EFAULT); break }
            guard let fd = hostFiles[h] else { result = fail(Semihosting.EBADF); break }
            var st = stat()
            result = fstat(fd, &st) == 0 ? UInt64(st.st_size) : fail(UInt64(errno))
        case Semihosting.remove:
            // {name, length}: a file name in --semihosting-dir.
            guard let name = word(0), let len = word(1) else { result = fail(Semihosting.EFAULT); break }
            var text: [UInt8] = []
            for i in 0..<min(len, 256) { if let c = try? cpu.readMemory(name &+ i, size: 1) { text.append(UInt8(c)) } }
            guard let dir = hostDirectory, let file = Self.confinedName(text) else { result = fail(Semihosting.EACCES); break }
            result = unlinkat(dir, file, 0) == 0 ? 0 : fail(UInt64(errno))
        case Semihosting.isTTY:
            guard let h = word(0) else { result = fail(Semihosting.EFAULT); break }
            result = h == Semihosting.consoleIn || h == Semihosting.consoleOut ? 1 : 0
        case Semihosting.read:
            // {handle, buffer, length}: returns the number of bytes NOT read (all of them at EOF).
            guard let h = word(0), let buf = word(1), let len = word(2) else { result = fail(Semihosting.EFAULT); break }
            let got: [UInt8]
            if let fd = hostFiles[h] {
                var b = [UInt8](repeating: 0, count: Int(min(len, 1 << 20)))
                let n = b.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                got = n > 0 ? Array(b[..<n]) : []
            } else {
                guard h == Semihosting.consoleIn else { result = fail(Semihosting.EBADF); break }
                got = readInput(Int(min(len, 1 << 16)), cpu: cpu)
            }
            var done: UInt64 = 0
            for b in got {
                guard (try? cpu.writeMemory(buf &+ done, size: 1, value: UInt64(b))) != nil else { break }
                done += 1
            }
            result = len - done
        case Semihosting.elapsed:
            // A 64-bit count at x1 (AArch32: two words, low first), in virtual nanoseconds.
            let t = cpu.virtualNanos
            do {
                if cpu.aarch32 {
                    try cpu.writeMemory(param, size: 4, value: t & 0xFFFF_FFFF)
                    try cpu.writeMemory(param &+ 4, size: 4, value: t >> 32)
                } else {
                    try cpu.writeMemory(param, size: 8, value: t)
                }
            } catch { result = fail(Semihosting.EFAULT) }
        case Semihosting.tickFreq:
            result = Semihosting.ticksPerSecond
        case Semihosting.exit, Semihosting.exitExtended:
            // AArch64, and SYS_EXIT_EXTENDED: x1 points to {reason, subcode}; ApplicationExit
            // carries the exit code. AArch32 SYS_EXIT: r1 is the reason itself, with no code.
            let reason = cpu.aarch32 && op == Semihosting.exit ? param : word(0) ?? 0
            let subcode: Int64 = cpu.aarch32 ? Int64(Int32(truncatingIfNeeded: word(1) ?? 1)) : Int64(bitPattern: word(1) ?? 1)
            let code = reason == Semihosting.applicationExit ? (cpu.aarch32 && op == Semihosting.exit ? 0 : subcode) : 1
            cpu.requestStop(.exit(code: code))
            return true
        default:
            result = ~0
        }
        cpu.x[0] = cpu.aarch32 ? result & 0xFFFF_FFFF : result
        return true
    }

    /// A host file for SYS_OPEN, in --semihosting-dir only; the handle, or -1 (EACCES without
    /// the option or for a name that is not a plain file name).
    private func openHostFile(_ name: [UInt8], mode: UInt64) -> UInt64 {
        guard let dir = hostDirectory, let file = Self.confinedName(name), mode < 12 else { return fail(Semihosting.EACCES) }
        // fopen's modes, in the semihosting order: r, r+, w, w+, a, a+ (each also with b).
        let flags: [Int32] = [O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
                              O_WRONLY | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND]
        guard hostFiles.count < 64 else { return fail(Semihosting.EMFILE) }
        let fd = openat(dir, file, flags[Int(mode / 2)] | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return fail(UInt64(errno)) }
        let handle = (3...).first { hostFiles[$0] == nil }!
        hostFiles[handle] = fd
        return handle
    }

    /// A plain file name (no '/', not "." or "..", no NUL): it can only name an entry of the
    /// directory itself, and O_NOFOLLOW keeps a symbolic link there from leading out.
    static func confinedName(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, bytes.count <= 255, !bytes.contains(0x2F), !bytes.contains(0) else { return nil }
        let s = String(decoding: bytes, as: UTF8.self)
        return s == "." || s == ".." ? nil : s
    }

    private func fail(_ errno: UInt64) -> UInt64 {
        lastError = errno
        return ~0
    }

    /// Up to `n` bytes of console input: the wait blocks, so a guest that waits for a key gets
    /// one. Empty at end of input, and once SIGINT, SIGTERM or --timeout has arrived (the run
    /// loop then stops the run); the wait polls so that a signal between two reads is seen.
    private func readInput(_ n: Int, cpu: CPU) -> [UInt8] {
        console.flush()   // a prompt appears before the wait
        if let early = consoleInput?.takeBuffered(n), !early.isEmpty { return early }
        var buf = [UInt8](repeating: 0, count: max(n, 1))
        // The CPU stops after this call, so the guest cannot act on the empty read (and, say,
        // power off with status 0) before the run loop sees the signal.
        defer { if HostSignals.pending != nil { cpu.requestStop(.budget) } }
        while HostSignals.pending == nil {
            var p = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let got = buf.withUnsafeMutableBytes { Glibc.read(inputFD, $0.baseAddress, n) }
            if got < 0 && errno == EINTR { continue }
            return got > 0 ? Array(buf[..<got]) : []
        }
        return []
    }
}
