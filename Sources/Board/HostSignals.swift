#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM end a run cleanly: the handler only records the signal, and the machine's
/// run loop (and the gdb server's waits) look at it between rounds, so the run ends with its
/// output flushed and a final line, instead of dying mid-write. SIGPIPE is ignored: a closed
/// console pipe or gdb connection becomes a write error the code handles.
public enum HostSignals {
    /// The first SIGINT or SIGTERM received, 0 if none. A plain C global (not a lazily
    /// initialised Swift one) because the handler may run at any instruction.
    private static let received: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// The signal that asked armvm to stop, if one has arrived.
    public static var pending: Int32? {
        let s = received.pointee
        return s == 0 ? nil : Int32(s)
    }

    /// Install the handlers. Without SA_RESTART, so a blocking accept() or recv() returns EINTR
    /// and its caller can look at `pending`.
    public static func install() {
        _ = received   // initialise the flag before any handler can read it
        record(SIGINT)
        record(SIGTERM)
        signal(SIGPIPE, SIG_IGN)
    }

    /// `--timeout`: SIGALRM after `seconds` of wall-clock time, recorded like SIGINT, so the run
    /// ends at its next round with its output flushed (`pending` is then SIGALRM).
    public static func stop(afterSeconds seconds: Double) {
        _ = received
        record(SIGALRM)
        let whole = seconds.rounded(.down)
        var t = itimerval()
        t.it_value.tv_sec = Int(whole)
        t.it_value.tv_usec = max(Int((seconds - whole) * 1e6), whole == 0 ? 1 : 0)
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &t, nil)
    }

    private static func record(_ sig: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            if HostSignals.received.pointee == 0 { HostSignals.received.pointee = sig_atomic_t(sig) }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(sig, &action, nil)
    }

    /// The shell's status for a run ended by `signal`: 128 + its number (130 for SIGINT, 143 for
    /// SIGTERM), as a process killed by it would report.
    public static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGALRM: return "--timeout"
        default: return "signal \(signal)"
        }
    }
}
