#if canImport(Glibc)
import Glibc
#endif

/// The host terminal in raw mode while a guest reads it, and back as it was on every way out:
/// exit() (a normal end, a guest poweroff, SIGINT/SIGTERM, which HostSignals turns into a normal
/// end, and errors, which ArgumentParser ends with exit()) runs an atexit hook; a crash
/// (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE) restores first and then goes on to the
/// handler that was there before (Swift's backtrace).
/// Only tcsetattr runs in the handler, which POSIX lists as async-signal-safe.
public enum TerminalMode {
    /// The settings to restore: plain C memory, so the signal handler never touches Swift state.
    private static let saved: UnsafeMutablePointer<termios> = {
        let p = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        p.initialize(to: termios())
        return p
    }()
    /// The descriptor in raw mode, -1 when none.
    private static let rawFD: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: -1)
        return p
    }()
    private static var hooksInstalled = false

    /// Raw input on `fd`: keys arrive one by one, unechoed, and Ctrl-C reaches the guest instead
    /// of stopping armvm. Output processing stays on so a bare "\n" still starts a new line.
    public static func enterRaw(_ fd: Int32) {
        guard rawFD.pointee < 0, tcgetattr(fd, saved) == 0 else { return }
        var raw = saved.pointee
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag = (raw.c_cflag & ~tcflag_t(CSIZE | PARENB)) | tcflag_t(CS8)
        raw.c_oflag |= tcflag_t(OPOST)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        installHooks()
        rawFD.pointee = fd
        if tcsetattr(fd, TCSAFLUSH, &raw) != 0 { rawFD.pointee = -1 }
    }

    /// Puts the terminal back as it was before `enterRaw` (safe to call more than once).
    public static func restore() {
        let fd = rawFD.pointee
        guard fd >= 0 else { return }
        tcsetattr(fd, TCSAFLUSH, saved)
        rawFD.pointee = -1
    }

    public static var isRaw: Bool { rawFD.pointee >= 0 }

    /// The handlers found before ours (Swift's backtracer's), by signal number, to hand back to.
    private static let previous: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
        p.initialize(repeating: sigaction(), count: 32)
        return p
    }()

    private static func installHooks() {
        guard !hooksInstalled else { return }
        hooksInstalled = true
        _ = previous
        atexit { TerminalMode.restore() }
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                let fd = TerminalMode.rawFD.pointee
                if fd >= 0 { tcsetattr(fd, TCSANOW, TerminalMode.saved) }
                // Hand the signal back: a faulting instruction faults again on return, now into
                // the previous handler (the backtrace); abort()'s SIGABRT is raised again.
                sigaction(sig, TerminalMode.previous + Int(sig), nil)
                if sig == SIGABRT { raise(sig) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previous + Int(sig))
        }
    }
}
