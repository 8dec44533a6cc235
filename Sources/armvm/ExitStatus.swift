import Board

/// armvm's exit statuses (the README's table). Two promises: a guest's failure never reads as
/// success (no nonzero guest code becomes 0), and with `--exit-status distinct` every status
/// says by itself whether it is the guest's own code or an outcome of armvm's.
enum ExitStatus {
    static let success: Int32 = 0
    /// Bad host input: an option, an image, a device tree, an output file (before or after the run).
    static let badInput: Int32 = 2
    /// `--max-instructions` ran out.
    static let instructionLimit: Int32 = 3
    /// The guest cannot make progress (its vector faults forever, every CPU is off).
    static let stuck: Int32 = 4
    /// Every CPU waits for an interrupt that nothing can raise.
    static let idle: Int32 = 5
    /// The guest asked for a system reset (PSCI SYSTEM_RESET). Not 0: a kernel that panics and
    /// reboots must not look like one that powered off.
    static let reset: Int32 = 6
    /// `--timeout` ran out (wall clock). Distinct from 3: host speed, not the guest, decided it.
    static let timeout: Int32 = 7
    /// gdb's `kill` ended the run (`--gdb`): the guest never finished, so not 0.
    static let debuggerKill: Int32 = 8
    /// `--exit-status distinct`: 64 is a nonzero guest code outside 1...59, and 65...123 are the
    /// guest's codes 1...59. armvm's own outcomes never fall in 64...123.
    static let distinctBase: Int32 = 64
    static let distinctMaxCode: Int64 = 59
    /// armvm failed for a host reason it could not blame on the input (as `timeout` uses 125).
    static let hostError: Int32 = 125

    /// How a guest's own exit code (PSCI SYSTEM_OFF is 0, semihosting exit gives any 64-bit
    /// value) becomes a status, and the line that explains a code the status cannot carry.
    static func forGuest(code: Int64, mode: ExitStatusMode) -> (status: Int32, note: String?) {
        if code == 0 { return (success, nil) }
        switch mode {
        case .plain:
            if (1...255).contains(code) { return (Int32(code), nil) }
            return (255, "the guest's exit code \(code) does not fit an exit status; reporting 255")
        case .distinct:
            if (1...distinctMaxCode).contains(code) { return (distinctBase + Int32(code), nil) }
            return (distinctBase, "the guest's exit code \(code) is outside 1...\(distinctMaxCode); reporting \(distinctBase)")
        }
    }
}

/// `--exit-status`: how the guest's own code is reported.
enum ExitStatusMode: String, CaseIterable {
    /// The guest's code as it is (0-255; any other nonzero code is 255). Guest codes 2-6 read
    /// the same as armvm's own outcomes; the line on stderr tells them apart.
    case plain
    /// The guest's nonzero code c in 1...59 is 64 + c; armvm's outcomes keep their statuses, so
    /// a CI job can tell the two apart from the status alone.
    case distinct
}
