import Bus

/// What a virtio device type adds to the transport: its ID, features, configuration space and
/// the work a notified queue asks for. Work is done synchronously, inside the guest's
/// QueueNotify write, so that it depends only on the instruction stream (deterministic).
protocol VirtioBackend: AnyObject {
    /// Device ID (Virtual I/O Device spec v1.2, 5: 2 block, 3 console, 4 entropy).
    var deviceID: UInt32 { get }
    /// Device-specific feature bits; the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX.
    var features: UInt64 { get }
    var queueCount: Int { get }
    /// The device-specific configuration space (from offset 0x100), little-endian.
    var config: [UInt8] { get }
    /// The driver notified `queue`: take its chains (`transport.pop`) and return them used
    /// (`transport.push`); the transport raises the interrupt afterwards.
    func notified(queue: Int, transport: VirtioMMIO) throws(VirtioError)
    /// The driver reset the device (Status = 0).
    func reset()
}

/// The virtio-mmio transport, version 2 ("modern") register layout (spec v1.2, 4.2.2). A legacy
/// (version 1) driver is not served: VIRTIO_F_VERSION_1 must be accepted, or FEATURES_OK stays
/// clear. Registers take 32-bit accesses; the configuration space any size.
public final class VirtioMMIO: BusDevice {
    public let name: String
    public static let windowSize: UInt64 = 0x200

    // Register offsets (4.2.2).
    static let MagicValue: UInt64 = 0x000, Version: UInt64 = 0x004, DeviceID: UInt64 = 0x008
    static let VendorID: UInt64 = 0x00C, DeviceFeatures: UInt64 = 0x010, DeviceFeaturesSel: UInt64 = 0x014
    static let DriverFeatures: UInt64 = 0x020, DriverFeaturesSel: UInt64 = 0x024
    static let QueueSel: UInt64 = 0x030, QueueNumMax: UInt64 = 0x034, QueueNum: UInt64 = 0x038
    static let QueueReady: UInt64 = 0x044, QueueNotify: UInt64 = 0x050
    static let InterruptStatus: UInt64 = 0x060, InterruptACK: UInt64 = 0x064, Status: UInt64 = 0x070
    static let QueueDescLow: UInt64 = 0x080, QueueDescHigh: UInt64 = 0x084
    static let QueueDriverLow: UInt64 = 0x090, QueueDriverHigh: UInt64 = 0x094
    static let QueueDeviceLow: UInt64 = 0x0A0, QueueDeviceHigh: UInt64 = 0x0A4
    static let SHMLenLow: UInt64 = 0x0B0, SHMLenHigh: UInt64 = 0x0B4
    static let SHMBaseLow: UInt64 = 0x0B8, SHMBaseHigh: UInt64 = 0x0BC
    static let ConfigGeneration: UInt64 = 0x0FC, Config: UInt64 = 0x100

    static let magic: UInt32 = 0x7472_6976            // "virt"
    static let vendor: UInt32 = 0x554D_4551           // "QEMU", as QEMU's devices report
    // Feature bits (6).
    static let F_INDIRECT_DESC: UInt64 = 1 << 28
    static let F_EVENT_IDX: UInt64 = 1 << 29
    static let F_VERSION_1: UInt64 = 1 << 32
    // Status bits (2.1).
    static let ACKNOWLEDGE: UInt32 = 1, DRIVER: UInt32 = 2, DRIVER_OK: UInt32 = 4
    static let FEATURES_OK: UInt32 = 8, DEVICE_NEEDS_RESET: UInt32 = 0x40, FAILED: UInt32 = 0x80
    // InterruptStatus bits (4.2.2): a used buffer, a configuration change.
    static let usedBufferInterrupt: UInt32 = 1, configChangeInterrupt: UInt32 = 2

    let backend: VirtioBackend
    let memory: GuestMemory
    private let interrupt: InterruptLine

    var queues: [VirtQueue]
    private var deviceFeaturesSel: UInt32 = 0
    private var driverFeaturesSel: UInt32 = 0
    private(set) var driverFeatures: UInt64 = 0
    private var queueSel: UInt32 = 0
    private(set) var interruptStatus: UInt32 = 0
    private(set) var status: UInt32 = 0

    init(name: String, backend: VirtioBackend, bus: PhysicalAddressSpace, interrupt: InterruptLine, queueSize: UInt16 = 256) {
        self.name = name
        self.backend = backend
        self.memory = GuestMemory(bus: bus)
        self.interrupt = interrupt
        self.queues = Array(repeating: VirtQueue(maxSize: queueSize), count: backend.queueCount)
    }

    var offeredFeatures: UInt64 { backend.features | Self.F_VERSION_1 | Self.F_INDIRECT_DESC | Self.F_EVENT_IDX }
    var eventIndex: Bool { driverFeatures & Self.F_EVENT_IDX != 0 }
    /// The driver has finished setting up and the device has not failed.
    var isLive: Bool { status & Self.DRIVER_OK != 0 && status & Self.DEVICE_NEEDS_RESET == 0 }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        if offset >= Self.Config {
            let config = backend.config
            let at = Int(offset - Self.Config)
            guard [1, 2, 4, 8].contains(size), at % size == 0 else { return nil }
            // Beyond the device's configuration: reads as zero, as QEMU does.
            guard at + size <= config.count else { return 0 }
            var v: UInt64 = 0
            for i in (0..<size).reversed() { v = v << 8 | UInt64(config[at + i]) }
            return v
        }
        guard size == 4 else { return nil }
        let q = Int(queueSel) < queues.count ? queues[Int(queueSel)] : nil
        let value: UInt32
        switch offset {
        case Self.MagicValue: value = Self.magic
        case Self.Version: value = 2
        case Self.DeviceID: value = backend.deviceID
        case Self.VendorID: value = Self.vendor
        case Self.DeviceFeatures:
            value = deviceFeaturesSel < 2 ? UInt32(truncatingIfNeeded: offeredFeatures >> (32 * UInt64(deviceFeaturesSel))) : 0
        case Self.QueueNumMax: value = UInt32(q?.maxSize ?? 0)
        case Self.QueueReady: value = q?.ready == true ? 1 : 0
        case Self.InterruptStatus: value = interruptStatus
        case Self.Status: value = status
        // No shared memory regions: a length of all ones says "none" (4.2.2, SHMLen).
        case Self.SHMLenLow, Self.SHMLenHigh, Self.SHMBaseLow, Self.SHMBaseHigh: value = 0xFFFF_FFFF
        case Self.ConfigGeneration: value = 0   // the configuration never changes under the driver
        default: value = 0                       // write-only and reserved registers read as zero
        }
        return UInt64(value)
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        if offset >= Self.Config {
            // Every configuration field armvm offers is read-only to the driver.
            return [1, 2, 4, 8].contains(size) && Int(offset) % size == 0
        }
        guard size == 4 else { return false }
        let v = UInt32(truncatingIfNeeded: value)
        let qi = Int(queueSel)
        let hasQueue = qi < queues.count
        // Queue registers may be written only while the queue is not ready (4.2.3.2).
        let queueWritable = hasQueue && !queues[qi].ready
        switch offset {
        case Self.DeviceFeaturesSel: deviceFeaturesSel = v
        case Self.DriverFeaturesSel: driverFeaturesSel = v
        case Self.DriverFeatures:
            if driverFeaturesSel < 2, status & Self.FEATURES_OK == 0 {
                let shift = 32 * UInt64(driverFeaturesSel)
                driverFeatures = (driverFeatures & ~(0xFFFF_FFFF << shift)) | (UInt64(v) << shift)
            }
        case Self.QueueSel: queueSel = v
        case Self.QueueNum: if queueWritable { queues[qi].size = UInt16(truncatingIfNeeded: min(v, 0xFFFF)) }
        case Self.QueueReady:
            guard hasQueue else { break }
            if v & 1 == 0 { queues[qi].ready = false; break }
            // A size that is not a power of 2 or rings outside RAM cannot be used.
            if queues[qi].sizeIsValid && queues[qi].areasAreInRAM(memory) { queues[qi].ready = true } else { needsReset() }
        case Self.QueueNotify: notify(queue: Int(v))
        case Self.InterruptACK:
            interruptStatus &= ~v
            updateInterrupt()
        case Self.Status: writeStatus(v)
        case Self.QueueDescLow, Self.QueueDescHigh:
            if queueWritable { setHalf(&queues[qi].descriptorTable, high: offset == Self.QueueDescHigh, v) }
        case Self.QueueDriverLow, Self.QueueDriverHigh:
            if queueWritable { setHalf(&queues[qi].driverArea, high: offset == Self.QueueDriverHigh, v) }
        case Self.QueueDeviceLow, Self.QueueDeviceHigh:
            if queueWritable { setHalf(&queues[qi].deviceArea, high: offset == Self.QueueDeviceHigh, v) }
        default: break                            // read-only and reserved registers ignore writes
        }
        return true
    }

    private func setHalf(_ field: inout UInt64, high: Bool, _ v: UInt32) {
        field = high ? (field & 0xFFFF_FFFF) | UInt64(v) << 32 : (field & ~0xFFFF_FFFF) | UInt64(v)
    }

    private func writeStatus(_ v: UInt32) {
        if v == 0 { return reset() }
        var new = v & ~Self.DEVICE_NEEDS_RESET | status & Self.DEVICE_NEEDS_RESET
        // 3.1.1: the device accepts FEATURES_OK only for a subset of its features that
        // includes VERSION_1 (the modern interface is the only one here).
        if new & Self.FEATURES_OK != 0 && status & Self.FEATURES_OK == 0 {
            let acceptable = driverFeatures & ~offeredFeatures == 0 && driverFeatures & Self.F_VERSION_1 != 0
            if !acceptable { new &= ~Self.FEATURES_OK }
        }
        status = new
    }

    private func reset() {
        for i in queues.indices { queues[i].reset() }
        driverFeatures = 0
        deviceFeaturesSel = 0; driverFeaturesSel = 0; queueSel = 0
        status = 0
        interruptStatus = 0
        updateInterrupt()
        backend.reset()
    }

    /// The device met a malformed ring or chain (2.1.2): it stops until the driver resets it,
    /// and says so with a configuration change interrupt.
    func needsReset() {
        status |= Self.DEVICE_NEEDS_RESET
        interruptStatus |= Self.configChangeInterrupt
        updateInterrupt()
    }

    private func updateInterrupt() { interrupt.set(interruptStatus != 0) }

    /// QueueNotify: the backend consumes what the driver made available.
    func notify(queue: Int) {
        guard queue < queues.count, queues[queue].ready, isLive else { return }
        let before = queues[queue].usedIndex
        do {
            try backend.notified(queue: queue, transport: self)
            try signalUsed(queue: queue, since: before)
        } catch {
            needsReset()
        }
    }

    /// The next available chain of `queue`, or nil.
    func pop(queue: Int) throws(VirtioError) -> VirtioChain? {
        try queues[queue].pop(memory)
    }

    /// Returns a chain as used, with the number of bytes the device wrote into it.
    func push(queue: Int, _ chain: VirtioChain, written: UInt32) throws(VirtioError) {
        try queues[queue].push(memory, head: chain.head, written: written, eventIndex: eventIndex)
    }

    /// Raises the used-buffer interrupt if chains were used since `before` and the driver
    /// has not suppressed it.
    func signalUsed(queue: Int, since before: UInt16) throws(VirtioError) {
        guard queues[queue].usedIndex != before else { return }
        if try queues[queue].wantsInterrupt(memory, since: before, eventIndex: eventIndex) {
            interruptStatus |= Self.usedBufferInterrupt
            updateInterrupt()
        }
    }
}

/// The board's virtio-mmio transports in use, as one bus device: they sit 0x200 apart, and the
/// bus finds devices by 4 KiB page, so one page can hold up to eight of them. An access goes
/// to the transport whose window holds it; beyond the last one it is a bus error.
final class VirtioMMIOBank: BusDevice {
    let name = "virtio-mmio"
    let transports: [VirtioMMIO]
    let stride: UInt64

    init(transports: [VirtioMMIO], stride: UInt64) { self.transports = transports; self.stride = stride }

    /// The window the bank covers: every transport, rounded up to whole pages.
    var size: UInt64 { (UInt64(transports.count) * stride + 0xFFF) & ~0xFFF }

    func read(offset: UInt64, size: Int) -> UInt64? {
        let i = offset / stride
        guard i < UInt64(transports.count) else { return nil }
        return transports[Int(i)].read(offset: offset % stride, size: size)
    }

    func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        let i = offset / stride
        guard i < UInt64(transports.count) else { return false }
        return transports[Int(i)].write(offset: offset % stride, size: size, value: value)
    }
}
