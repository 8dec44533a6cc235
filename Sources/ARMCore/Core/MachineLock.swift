#if canImport(Glibc)
import Glibc
#endif

/// The machine's one lock in `--threads` mode (as QEMU's "big QEMU lock" in multi-threaded TCG):
/// each CPU thread holds it all the time except inside the A64 fast loop (`CPU.runA64`), which
/// touches only its own registers, guest RAM and its own decode-cache page and host TLB. So
/// devices, the GIC, timers, firmware, decode-cache fills and invalidations, TLB maintenance of
/// other CPUs, exclusives and console output are serialized, and the fast loop runs in parallel.
/// Taking and releasing it is a full barrier on the host, which is what DMB and DSB need
/// (they take the full path in this mode, `DecodeCache.barriersTakeFullPath`).
public final class MachineLock {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Signalled when some CPU's interrupt inputs change: CPU threads blocked in WFI wake and look.
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// Called with the CPU's index each time a CPU thread takes the lock: the machine's notion
    /// of the CPU that is running (banked GICv2 frames, `Machine.runningCPU`) follows the holder.
    public var onAcquire: ((Int) -> Void)?

    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        wake = .allocate(capacity: 1)
        pthread_cond_init(wake, nil)
    }

    deinit {
        pthread_cond_destroy(wake)
        wake.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Wake every CPU thread blocked in `waitForWake` (called with the lock held).
    public func wakeAll() { pthread_cond_broadcast(wake) }

    /// Block CPU `cpu`'s thread until `wakeAll` (the lock is released meanwhile).
    public func waitForWake(cpu: Int) { wait(wake, cpu: cpu) }

    /// Take the lock for CPU `cpu` (nil: the machine's coordinator, which is no CPU).
    public func lock(cpu: Int?) {
        pthread_mutex_lock(mutex)
        if let cpu { onAcquire?(cpu) }
    }

    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Wait on `cond`, which releases the lock meanwhile, and take it again for `cpu`.
    public func wait(_ cond: UnsafeMutablePointer<pthread_cond_t>, cpu: Int?) {
        pthread_cond_wait(cond, mutex)
        if let cpu { onAcquire?(cpu) }
    }
}
