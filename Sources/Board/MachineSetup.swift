import Bus
import GIC

/// A machine ready to run: RAM and devices on the bus, the image, initrd and DTB in RAM.
/// The run loop (Machine.swift) creates the CPUs and starts CPU 0 at `image.entry` with
/// x0 = `dtbAddress` (booting.rst), x1..x3 = 0.
public struct PreparedMachine {
    public let bus: PhysicalAddressSpace
    public let layout: BoardLayout
    public let options: MachineOptions
    public let console: Console
    public let image: LoadedImage
    public let dtbAddress: UInt64
    public let dtb: [UInt8]
    /// The console UART in the board's slot (PL011 or ExynosUART, per options.uart).
    public let uart: BusDevice
    /// The interrupt controller (options.gicVersion); the UART's interrupt is wired to it.
    public let gic: InterruptController
    /// Where the initrd was placed, if one was given.
    public let initrd: AddressRange?
    /// Where each --guest image and --module was placed, in command-line order.
    public let guests: [PlacedGuest]
    public let modules: [PlacedModule]
    /// The virtio-mmio transports, in the board's transport order (`options.virtioDevices`).
    public let virtio: [VirtioMMIO]
    /// What armvm's stdin feeds: the virtio console when there is one, else the console UART.
    public var inputReceiver: SerialReceiver? {
        for t in virtio { if let c = t.backend as? VirtioConsole { return c } }
        return uart as? SerialReceiver
    }
}

/// Turns the user's options and files into a PreparedMachine, or a HostInputError that says
/// what to change.
public enum MachineSetup {
    public static let minimumMemory: UInt64 = 1 << 20
    /// RAM must end within the 44-bit physical address space the CPU reports
    /// (ID_AA64MMFR0_EL1.PARange); only devices must lie in the bus's 1 TiB MMIO table.
    public static let physicalAddressLimit: UInt64 = 1 << 44
    /// Linux wants its Image base, and armvm puts the initrd and DTB, on 2 MiB boundaries
    /// (booting.rst), so each starts a fresh 2 MiB block.
    static let blockSize: UInt64 = 2 << 20

    /// Rejects options no machine can be built from.
    public static func validate(_ options: MachineOptions) throws {
        let layout = options.board.layout
        let mem = options.memorySize
        guard mem >= minimumMemory else {
            throw HostInputError("--memory \(formatSize(mem)) is too small; armvm needs at least 1 MiB of guest RAM")
        }
        guard mem % 4096 == 0 else {
            throw HostInputError("--memory \(mem) bytes is not a multiple of 4 KiB")
        }
        guard mem <= physicalAddressLimit - layout.ramBase else {
            throw HostInputError("--memory \(formatSize(mem)) is too large: RAM from \(hex(layout.ramBase)) would end above \(formatSize(physicalAddressLimit)), the CPU's 44-bit physical address space")
        }
        guard (1...8).contains(options.cpuCount) else {
            throw HostInputError("\(options.cpuCount) CPUs requested; a GICv2 serves 1 to 8")
        }
        guard options.startEL == 1 || options.startEL == 2 else {
            throw HostInputError("start EL \(options.startEL): armvm starts guests at EL1 or EL2")
        }
        guard options.uart.windowSize <= layout.consoleUART.size else {
            throw HostInputError("the \(options.uart.rawValue) UART does not fit the console slot of \(layout.name)")
        }
        guard options.virtioDevices.count <= layout.virtio.count else {
            throw HostInputError("\(options.virtioDevices.count) virtio devices asked for; \(layout.name) has \(layout.virtio.count) virtio-mmio transports")
        }
        try options.numa?.validate(memorySize: mem, cpuCount: options.cpuCount)
    }

    public static func prepare(options: MachineOptions, imagePath: String, dtbPath: String?,
                               initrdPath: String?, loadAddress: UInt64?, console: Console) throws -> PreparedMachine {
        try validate(options)
        let layout = options.board.layout
        guard let bus = PhysicalAddressSpace(ramBase: layout.ramBase, ramSize: options.memorySize) else {
            throw HostInputError("cannot reserve \(options.memorySize) bytes (\(formatSize(options.memorySize))) of guest RAM on this host")
        }
        let (uart, gic) = try wireDevices(bus: bus, layout: layout, options: options, console: console)
        let virtio = try wireVirtio(bus: bus, layout: layout, options: options, console: console, gic: gic)
        let image = try ImageLoader.load(path: imagePath, bus: bus, layout: layout, loadAddress: loadAddress)
        let options = try resolveCPU(options, image: image, imagePath: imagePath)
        let ram = AddressRange(base: bus.ramBase, size: bus.ramSize)
        var occupied = [AddressRange(base: image.lowest, size: image.highest - image.lowest)]
        if image.state != .aarch64 {
            // A 32-bit kernel grows past its file: the zImage decompresses to RAM base +
            // TEXT_OFFSET and the kernel's BSS follows its image. arm/booting.rst: put the DTB
            // and initrd "just above the 128MiB boundary from start of RAM", inside lowmem; with
            // less RAM, in its upper half (QEMU's rule). The range is only kept free, not used.
            let reach = min(UInt64(128) << 20, bus.ramSize / 2)
            occupied.append(AddressRange(base: bus.ramBase, size: reach))
        }

        // Read everything first, so that "does not fit" can name the whole need.
        // No input may be larger than RAM: HostFile refuses such a file before reading it.
        let limit = bus.ramSize
        let initrdBytes = try initrdPath.map { try bootImage($0, option: "--initrd", limit: limit) }
        let guestBytes = try options.guests.map { try bootImage($0.path, option: "--guest", limit: limit) }
        let moduleBytes = try options.modules.map { try bootImage($0.path, option: "--module", limit: limit) }
        for kind in BootModule.Kind.allCases where options.modules.filter({ $0.kind == kind }).count > 1 {
            throw HostInputError("--module kind=\(kind.rawValue) given more than once; Xen boots one dom0 \(kind.rawValue)")
        }
        var userDTB: [UInt8]?
        if let dtbPath {
            let bytes = try HostFile.read(dtbPath, limit: limit, option: "--dtb")
            userDTB = try DeviceTreeBuilder.validate(bytes, path: "--dtb \(dtbPath)")
        }
        func noRoom() -> HostInputError {
            // Each piece is at most the size of RAM (≤ 1 TiB), so a saturating sum is exact in practice.
            func sum(_ sizes: [UInt64]) -> UInt64 {
                sizes.reduce(0) { let (s, o) = $0.addingReportingOverflow($1); return o ? .max : s }
            }
            let images = sum((guestBytes + moduleBytes).map { UInt64($0.count) })
            let need = sum([image.highest - image.lowest, UInt64(initrdBytes?.count ?? 0), images, UInt64(userDTB?.count ?? 4096)])
            let what = images > 0 ? "the image, initrd, --guest/--module images and device tree" : "the image, initrd and device tree"
            return HostInputError("\(what) need \(hex(need)) bytes of RAM but --memory is \(formatSize(options.memorySize)); try a larger --memory")
        }

        // booting.rst: the initrd may lie anywhere in RAM the kernel maps (within a 1 GiB-aligned
        // window of up to 32 GiB that also covers the Image); 4 KiB-aligned is enough, and
        // armvm prefers the 2 MiB block after the image.
        var initrd: AddressRange?
        if let bytes = initrdBytes {
            let size = UInt64(bytes.count)
            guard let at = findRoom(size: size, alignment: blockSize, ram: ram, occupied: occupied)
                    ?? findRoom(size: size, alignment: 4096, ram: ram, occupied: occupied) else { throw noRoom() }
            let ok = bytes.withUnsafeBytes { bus.load($0, at: at) }
            precondition(ok, "findRoom returns RAM")
            let range = AddressRange(base: at, size: size)
            initrd = range
            occupied.append(range)
        }

        // Boot modules for a hypervisor (Xen's booting.txt): anywhere in RAM; 2 MiB-aligned where
        // there is room, as boot loaders place them, else page-aligned.
        func place(_ bytes: [UInt8]) throws -> AddressRange {
            let size = UInt64(bytes.count)
            guard let at = findRoom(size: size, alignment: blockSize, ram: ram, occupied: occupied)
                    ?? findRoom(size: size, alignment: 4096, ram: ram, occupied: occupied) else { throw noRoom() }
            let ok = bytes.withUnsafeBytes { bus.load($0, at: at) }
            precondition(ok, "findRoom returns RAM")
            occupied.append(AddressRange(base: at, size: size))
            return AddressRange(base: at, size: size)
        }
        let guests = try zip(options.guests, guestBytes).map { PlacedGuest(guest: $0, range: try place($1)) }
        let modules = try zip(options.modules, moduleBytes).map { PlacedModule(module: $0, range: try place($1)) }

        // With a hypervisor's modules present, the command line is the hypervisor's: it goes to
        // /chosen/xen,xen-bootargs (addBootModules) rather than to /chosen/bootargs.
        let bootsHypervisor = !guests.isEmpty || !modules.isEmpty
        var treeOptions = options
        if bootsHypervisor { treeOptions.bootargs = "" }
        let initrdTuple = initrd.map { (start: $0.base, size: $0.size) }
        var dtb: [UInt8]
        do {
            if let userDTB {
                dtb = try DeviceTreeBuilder.patchChosen(userDTB, bootargs: treeOptions.bootargs, initrd: initrdTuple)
            } else {
                dtb = try DeviceTreeBuilder.build(layout: layout, options: treeOptions, initrd: initrdTuple)
            }
            if bootsHypervisor {
                dtb = try DeviceTreeBuilder.addBootModules(dtb, guests: guests, modules: modules,
                                                           hypervisorBootargs: options.bootargs)
            }
        } catch let e as FDTError where dtbPath != nil {
            // The user's blob passed validate, yet libfdt could not edit it: name the blob.
            throw HostInputError("--dtb \(dtbPath ?? ""): cannot write /chosen into this device tree (\(e))")
        }
        // booting.rst: 8-byte aligned, at most 2 MiB, mapped by the kernel with 2 MiB blocks;
        // keeping it inside one 2 MiB block suits every kernel and Xen.
        let size = UInt64(dtb.count)
        guard let dtbAddress = findRoom(size: size, alignment: blockSize, ram: ram, occupied: occupied)
                ?? findRoom(size: size, alignment: 8, within: blockSize, ram: ram, occupied: occupied) else { throw noRoom() }
        let ok = dtb.withUnsafeBytes { bus.load($0, at: dtbAddress) }
        precondition(ok)

        return PreparedMachine(bus: bus, layout: layout, options: options, console: console, image: image,
                               dtbAddress: dtbAddress, dtb: dtb, uart: uart, gic: gic, initrd: initrd,
                               guests: guests, modules: modules, virtio: virtio)
    }

    /// The CPU model for this image: `--cpu`, or the image's default (`CPUModel.default`). A
    /// model without AArch64 cannot run an arm64 image; an AArch32 image at EL2 needs a model
    /// whose EL2 is AArch32 (Hyp mode), since it would enter an AArch64 EL2 in the wrong state.
    static func resolveCPU(_ options: MachineOptions, image: LoadedImage, imagePath: String) throws -> MachineOptions {
        var resolved = options
        let is32 = image.state != .aarch64
        let model = options.cpuModel ?? CPUModel.default(forAArch32Image: is32)
        if !is32 && !model.hasAArch64 {
            throw HostInputError("\(imagePath) is an arm64 image, but --cpu \(model.rawValue) has no AArch64 state; use --cpu cortex-a57")
        }
        if is32 && model.hasAArch64 && options.startEL == 2 {
            throw HostInputError("\(imagePath) is a 32-bit Arm image and --cpu \(model.rawValue) has an AArch64 EL2: add --el 1 to start it in SVC mode, or use --cpu cortex-a15 for Hyp mode")
        }
        if !model.hasAArch64 && options.gicVersion == 3 {
            // The GICv3 CPU interface is reached through system registers, which armvm gives
            // AArch64 only; an ARMv7 core talks to a GIC-400 through memory.
            throw HostInputError("--gic 3 needs an AArch64 CPU: --cpu \(model.rawValue) uses the GIC-400 (--gic 2)")
        }
        resolved.cpuModel = model
        return resolved
    }

    /// An --initrd, --guest or --module file: any non-empty file (the kernel or hypervisor
    /// decides what it can use). An empty one is refused: it would describe a zero-sized module.
    static func bootImage(_ path: String, option: String, limit: UInt64) throws -> [UInt8] {
        let bytes = try HostFile.read(path, limit: limit, option: option)
        guard !bytes.isEmpty else { throw HostInputError("\(option) \(path): empty file") }
        return bytes
    }

    /// The DTB `prepare` would build for these options, without an image (`armvm dtb`).
    public static func deviceTree(options: MachineOptions) throws -> [UInt8] {
        try validate(options)
        return try DeviceTreeBuilder.build(layout: options.board.layout, options: options, initrd: nil)
    }

    /// Maps every device of the layout (the same table the device tree is built from).
    static func wireDevices(bus: PhysicalAddressSpace, layout: BoardLayout, options: MachineOptions,
                            console: Console) throws -> (uart: BusDevice, gic: InterruptController) {
        let gic: InterruptController
        if options.gicVersion == 3, let g = layout.gicv3 {
            let v3 = GICv3(spiCount: g.spiCount, cpuCount: options.cpuCount)
            try bus.map(v3.distributor, at: g.distributor.base, size: GICv3.distributorSize)
            try bus.map(v3.redistributors, at: g.redistributors, size: v3.redistributorRegionSize)
            gic = v3
        } else {
            let g = layout.gic
            let v2 = GICv2(spiCount: g.spiCount, cpuCount: options.cpuCount)
            try bus.map(v2.distributor, at: g.distributor.base, size: g.distributor.size)
            try bus.map(v2.cpuInterface, at: g.cpuInterface.base, size: g.cpuInterface.size)
            try bus.map(v2.virtualInterfaceControl, at: g.virtualInterfaceControl.base, size: g.virtualInterfaceControl.size)
            try bus.map(v2.virtualCPUInterface, at: g.virtualCPUInterface.base, size: g.virtualCPUInterface.size)
            gic = v2
        }

        let slot = layout.consoleUART
        let line = gic.inputLine(spi: Int(slot.spi))
        let uart: BusDevice
        switch options.uart {
        case .pl011: uart = PL011(name: "uart", console: console, interrupt: line)
        case .exynos: uart = ExynosUART(name: "uart", console: console, interrupt: line)
        }
        // Only the model's own window answers; the rest of the slot is a bus error.
        try bus.map(uart, at: slot.base, size: options.uart.windowSize)

        for p in layout.peripherals {
            let device: BusDevice
            switch p.kind {
            case .exynosMCT: device = RegisterFileStub(name: p.name, size: p.range.size)
            case .sysram: device = SRAM(name: p.name, size: Int(p.range.size))
            case .pl031RTC: device = PL031(name: p.name)
            }
            try bus.map(device, at: p.range.base, size: p.range.size)
        }
        return (uart, gic)
    }

    /// Opens each drive and makes one virtio-mmio transport per virtio device, in transport
    /// order, mapped together as one `VirtioMMIOBank` (several share a 4 KiB page).
    static func wireVirtio(bus: PhysicalAddressSpace, layout: BoardLayout, options: MachineOptions,
                           console: Console, gic: InterruptController) throws -> [VirtioMMIO] {
        let disks = try options.drives.map { try DiskImage($0) }
        var transports: [VirtioMMIO] = []
        for (n, kind) in options.virtioDevices.enumerated() {
            let backend: VirtioBackend
            var consolePort: VirtioConsole?
            switch kind {
            case .block(let i): backend = VirtioBlock(disk: disks[i], serial: "armvm-drive\(i)")
            case .console: let c = VirtioConsole(console: console); consolePort = c; backend = c
            case .rng: backend = VirtioRNG(seed: options.rngSeed)
            }
            let transport = VirtioMMIO(name: "virtio\(n)", backend: backend, bus: bus,
                                       interrupt: gic.inputLine(spi: Int(layout.virtio.spi(n))))
            consolePort?.transport = transport
            transports.append(transport)
        }
        if !transports.isEmpty {
            let bank = VirtioMMIOBank(transports: transports, stride: layout.virtio.stride)
            try bus.map(bank, at: layout.virtio.base, size: bank.size)
        }
        return transports
    }

    /// The lowest `alignment`-aligned address for `size` bytes of RAM that overlaps nothing in
    /// `occupied`, trying first above everything placed so far (so the guest's free RAM stays
    /// in one piece), then in the gaps from the bottom of RAM up. With `within`, the range must
    /// also not cross a multiple of it.
    static func findRoom(size: UInt64, alignment: UInt64, within block: UInt64? = nil,
                         ram: AddressRange, occupied: [AddressRange]) -> UInt64? {
        func alignUp(_ v: UInt64) -> UInt64 { (v + alignment - 1) / alignment * alignment }
        func fits(_ start: UInt64) -> Bool {
            guard start >= ram.base, start <= ram.end, ram.end - start >= size else { return false }
            if let block, size > 0, start / block != (start + size - 1) / block { return false }
            return !occupied.contains { start < $0.end && $0.base < start + size }
        }
        let sorted = occupied.sorted { $0.base < $1.base }
        let top = sorted.map(\.end).max() ?? ram.base
        // Gap starts: above everything, then the bottom of RAM, then after each occupied range.
        var candidates = [top, ram.base] + sorted.map(\.end)
        // A range that may not cross a block boundary can also start at the next boundary.
        if let block { candidates += candidates.map { ($0 + block - 1) / block * block } }
        let aligned = candidates.map(alignUp)
        if fits(aligned[0]) { return aligned[0] }
        return aligned.dropFirst().filter(fits).min()
    }
}
