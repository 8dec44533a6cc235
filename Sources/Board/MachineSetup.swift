import Bus
import GIC

/// Everything `Machine` needs: RAM with the image, initrd and DTB in place, devices mapped.
public struct PreparedMachine {
    public let bus: PhysicalAddressSpace
    public let layout: BoardLayout
    public let options: MachineOptions
    public let console: Console
    public let image: LoadedImage
    public let dtbAddress: UInt64
    public let dtb: [UInt8]
}

public enum MachineSetup {
    /// The DTB must be 8-byte aligned and within one 2 MiB block (booting.rst); placing it at a
    /// 2 MiB boundary satisfies both.
    static let dtbAlignment: UInt64 = 2 << 20
    static let maxDTBSize = 2 << 20

    public static func prepare(options: MachineOptions, imagePath: String, dtbPath: String?, initrdPath: String?,
                               loadAddress: UInt64?, console: Console) throws -> PreparedMachine {
        let layout = BoardLayout.layout(for: options.board)
        guard options.memorySize >= 1 << 20, options.memorySize & 0xFFF == 0 else {
            throw HostInputError("--memory must be at least 1 MiB and a multiple of 4 KiB")
        }
        guard options.memorySize <= 1 << 40 else { throw HostInputError("--memory larger than 1 TiB") }
        guard let bus = PhysicalAddressSpace(ramBase: layout.ramBase, ramSize: options.memorySize) else {
            throw HostInputError("cannot reserve \(options.memorySize) bytes of host memory for guest RAM")
        }
        try mapDevices(layout, options, bus: bus, console: console)

        // Read the user's DTB first: a bad one is reported before any loading.
        let userDTB = try dtbPath.map { p -> [UInt8] in
            let b = try HostFile.read(p, what: "device tree blob")
            try DeviceTreeBuilder.validate(b, path: p)
            return b
        }
        let image = try ImageLoader.load(path: imagePath, bus: bus, layout: layout, loadAddress: loadAddress)
        var used = [(image.lowest, image.highest)]

        var initrd: (start: UInt64, size: UInt64)?
        if let p = initrdPath {
            let b = try HostFile.read(p, what: "initrd")
            let at = try findSpace(UInt64(b.count), alignment: 1 << 12, avoiding: used, bus: bus, what: "initrd \(p)")
            try ImageLoader.place(b[...], at: at, path: p, bus: bus)
            initrd = (at, UInt64(b.count))
            used.append((at, at + UInt64(b.count)))
        }

        let dtb = try userDTB ?? DeviceTreeBuilder.build(layout: layout, options: options, initrd: initrd)
        guard dtb.count <= maxDTBSize else { throw HostInputError("device tree blob larger than 2 MiB") }
        let dtbAt = try findSpace(UInt64(dtb.count), alignment: dtbAlignment, avoiding: used, bus: bus, what: "the device tree")
        _ = dtb.withUnsafeBytes { bus.load($0, at: dtbAt) }
        return PreparedMachine(bus: bus, layout: layout, options: options, console: console, image: image,
                               dtbAddress: dtbAt, dtb: dtb)
    }

    /// The DTB that `run` would generate, for `armvm dtb`.
    public static func deviceTree(options: MachineOptions) throws -> [UInt8] {
        try DeviceTreeBuilder.build(layout: BoardLayout.layout(for: options.board), options: options, initrd: nil)
    }

    /// Every device of the board table onto the bus.
    static func mapDevices(_ l: BoardLayout, _ o: MachineOptions, bus: PhysicalAddressSpace, console: Console) throws {
        let uart: BusDevice = o.uart == .pl011 ? PL011(console: console) : ExynosUART(console: console)
        var devices: [(BusDevice, BoardLayout.Region)] = [
            (GICv2Distributor(spiCount: l.spiCount), l.gicd),
            (GICv2CPUInterface(name: "gicc"), l.gicc),
            (GICv2VirtualInterfaceControl(), l.gich),
            (GICv2CPUInterface(name: "gicv"), l.gicv),
            (uart, l.consoleRegion(o.uart)),
        ]
        for e in l.extras {
            switch e {
            case .exynosMCT(let r): devices.append((RegisterFile(name: "mct", size: r.size), r))
            case .sram(let r, let name): devices.append((StaticRAM(name: name, size: r.size), r))
            }
        }
        for (d, r) in devices {
            do { try bus.map(d, at: r.base, size: r.size) } catch {
                throw HostInputError("board \(l.kind.rawValue): cannot map \(d.name): \(error)")
            }
        }
    }

    /// The lowest aligned RAM address above everything loaded where `size` bytes fit, or, failing
    /// that, the lowest below it.
    static func findSpace(_ size: UInt64, alignment: UInt64, avoiding used: [(UInt64, UInt64)],
                          bus: PhysicalAddressSpace, what: String) throws -> UInt64 {
        let top = used.map(\.1).max() ?? bus.ramBase
        var candidates = [(top + alignment - 1) & ~(alignment - 1)]
        candidates.append((bus.ramBase + alignment - 1) & ~(alignment - 1))
        for c in candidates where bus.contains(ramRange: c, size: size) {
            if used.allSatisfy({ c + size <= $0.0 || c >= $0.1 }) { return c }
        }
        throw HostInputError("no room for \(what) (\(size) bytes) in \(bus.ramSize >> 20) MiB of RAM; try a larger --memory")
    }
}
