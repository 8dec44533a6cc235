import ARMCore
import Board
import Glibc
import TestManifest

/// Counts exceptions by class for `--stats-file`, chained before any observer already on a CPU
/// (`--trace exceptions`), so that both see every event.
final class ExceptionCounts {
    /// Synchronous exceptions by ESR class name; IRQ, FIQ and SError by kind.
    var byClass: [String: UInt64] = [:]
    /// Exceptions taken from a lower EL to EL2 (a hypervisor's exits), by the same names.
    var exitsByClass: [String: UInt64] = [:]
    var byTargetEL: [UInt64] = [0, 0, 0, 0]
    var erets: UInt64 = 0

    func attach(to machine: Machine) {
        for cpu in machine.cpus {
            let previous = cpu.exceptionObserver
            cpu.exceptionObserver = { [unowned self] e in
                self.count(e)
                previous?(e)
            }
        }
    }

    func count(_ e: ExceptionEvent) {
        let name: String
        switch e.kind {
        case .eret: erets += 1; return
        case .irq: name = "IRQ"
        case .fiq: name = "FIQ"
        case .serror: name = "SError"
        case .synchronous: name = e.syndrome?.ec.name ?? "EC 0x" + String((e.esr >> 26) & 63, radix: 16)
        }
        byClass[name, default: 0] += 1
        if e.toEL < 4 { byTargetEL[Int(e.toEL)] += 1 }
        if e.toEL == 2 && e.fromEL < 2 { exitsByClass[name, default: 0] += 1 }
    }
}

/// `--stats-file`: the run as one JSON object. Keys are sorted within each map, so that two
/// runs of the same guest differ only in the host fields (wall clock, MIPS, peak RSS).
func statsJSON(machine: Machine, seconds: Double, reason: String, status: Int32, detail: String?,
               counts: ExceptionCounts) -> String {
    let n = machine.instructionsRetired
    let mips = seconds > 0 ? Double(n) / seconds / 1e6 : 0
    func map(_ m: [String: UInt64]) -> String {
        "{" + m.keys.sorted().map { "\(jsonString($0)): \(m[$0]!)" }.joined(separator: ", ") + "}"
    }
    func number(_ d: Double) -> String { String((d * 1000).rounded() / 1000) }
    var j = "{\n"
    j += "  \"format\": \"armvm-stats 1\",\n"
    j += "  \"exit\": {\"reason\": \(jsonString(reason)), \"status\": \(status)"
    if let detail { j += ", \"detail\": \(jsonString(detail))" }
    j += "},\n"
    j += "  \"instructions\": \(n),\n"
    j += "  \"wall_seconds\": \(number(seconds)),\n"
    j += "  \"mips\": \(number(mips)),\n"
    if let rss = peakResidentKiB() { j += "  \"peak_rss_kib\": \(rss),\n" }
    j += "  \"cpus\": [" + machine.cpus.map { "{\"instructions\": \($0.instret), \"virtual_ns\": \($0.virtualNanos), \"idle_ns\": \($0.idleNanos)}" }
        .joined(separator: ", ") + "],\n"
    let total = counts.byClass.values.reduce(0, +)
    j += "  \"exceptions\": {\"total\": \(total), \"by_class\": \(map(counts.byClass)), "
    j += "\"to_el1\": \(counts.byTargetEL[1]), \"to_el2\": \(counts.byTargetEL[2]), \"erets\": \(counts.erets)},\n"
    j += "  \"exits\": {\"total\": \(counts.exitsByClass.values.reduce(0, +)), \"by_class\": \(map(counts.exitsByClass))}\n"
    j += "}\n"
    return j
}

/// This process's peak resident set in KiB: VmHWM of /proc/self/status, the high-water mark of
/// armvm's own address space. (getrusage's ru_maxrss is no use here: when a parent starts armvm
/// with posix_spawn, which shares the parent's memory until exec, Linux counts the parent's
/// high-water mark into the child's.) Nil where /proc is not mounted.
func peakResidentKiB() -> UInt64? {
    guard let f = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(cString: line)
        guard text.hasPrefix("VmHWM:") else { continue }
        return UInt64(text.dropFirst(6).filter(\.isNumber))
    }
    return nil
}
