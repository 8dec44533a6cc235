import CLibFDT

/// Builds the flattened device tree a guest receives, from the board table, with libfdt's
/// sequential-write API. One function per node, each naming its binding (Linux
/// Documentation/devicetree/bindings/...).
public enum DeviceTreeBuilder {
    static let gicPhandle: UInt32 = 1
    static let clockPhandle: UInt32 = 2
    /// interrupts cell 0: 0 = SPI, 1 = PPI (arm,gic.yaml).
    static let spi: UInt32 = 0, ppi: UInt32 = 1
    /// interrupts cell 2 trigger types (include/dt-bindings/interrupt-controller/irq.h).
    static let levelHigh: UInt32 = 4, levelLow: UInt32 = 8

    public static func build(layout: BoardLayout, options: MachineOptions,
                             initrd: (start: UInt64, size: UInt64)?) throws -> [UInt8] {
        var w = FDTWriter(capacity: 64 << 10)
        try w.beginTree()
        try root(&w, layout)
        try aliases(&w, layout, options)
        try chosen(&w, layout, options, initrd: initrd)
        try cpus(&w, options)
        try memory(&w, layout, options)
        try psci(&w, options)
        try timer(&w, layout, options)
        try gic(&w, layout, options)
        try clock(&w)
        try uart(&w, layout, options)
        try w.end()   // root
        return try w.finish()
    }

    static func uartPath(_ layout: BoardLayout, _ options: MachineOptions) -> String {
        let unit = String(layout.console.base, radix: 16)
        return options.uart == .pl011 ? "/pl011@\(unit)" : "/serial@\(unit)"
    }

    static func cpuMask(_ options: MachineOptions) -> UInt32 { UInt32((1 << min(options.cpuCount, 8)) - 1) << 8 }

    /// Root node (devicetree specification v0.4, 3.2).
    static func root(_ w: inout FDTWriter, _ l: BoardLayout) throws {
        try w.u32("#address-cells", 2)
        try w.u32("#size-cells", 2)
        try w.string("model", l.model)
        try w.strings("compatible", l.compatible)
        try w.u32("interrupt-parent", gicPhandle)
    }

    /// /aliases (DT specification 3.3): serial0 names the console.
    static func aliases(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions) throws {
        try w.begin("aliases")
        try w.string("serial0", uartPath(l, o))
        try w.end()
    }

    /// /chosen (DT specification 3.6; Linux chosen.txt for the initrd range).
    static func chosen(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions,
                       initrd: (start: UInt64, size: UInt64)?) throws {
        try w.begin("chosen")
        try w.string("stdout-path", "serial0:115200n8")
        try w.string("bootargs", o.bootargs)
        if let r = initrd {
            try w.u64("linux,initrd-start", r.start)
            try w.u64("linux,initrd-end", r.start + r.size)
        }
        try w.end()
    }

    /// /cpus (arm/cpus.yaml): reg is MPIDR's affinity, one cell.
    static func cpus(_ w: inout FDTWriter, _ o: MachineOptions) throws {
        try w.begin("cpus")
        try w.u32("#address-cells", 1)
        try w.u32("#size-cells", 0)
        for i in 0..<o.cpuCount {
            try w.begin("cpu@\(String(i, radix: 16))")
            try w.string("device_type", "cpu")
            try w.strings("compatible", ["arm,cortex-a57"])
            try w.u32("reg", UInt32(i))
            try w.string("enable-method", "psci")
            try w.end()
        }
        try w.end()
    }

    /// /memory (DT specification 3.4).
    static func memory(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions) throws {
        try w.begin("memory@\(String(l.ramBase, radix: 16))")
        try w.string("device_type", "memory")
        try w.cells64("reg", [l.ramBase, o.memorySize])
        try w.end()
    }

    /// /psci (arm/psci.yaml): SMC when the guest owns EL2 (the firmware is "EL3"), HVC when
    /// it starts at EL1 (the firmware stands in for EL2 too).
    static func psci(_ w: inout FDTWriter, _ o: MachineOptions) throws {
        try w.begin("psci")
        try w.strings("compatible", ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"])
        try w.string("method", o.startEL == 2 ? "smc" : "hvc")
        try w.end()
    }

    /// /timer (timer/arm,arch_timer.yaml): PPIs in the order secure physical, non-secure
    /// physical, virtual, hypervisor.
    static func timer(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions) throws {
        try w.begin("timer")
        try w.strings("compatible", ["arm,armv8-timer", "arm,armv7-timer"])
        let trigger = l.kind == .arndale ? levelLow : levelHigh
        try w.cells32("interrupts", l.timerPPIs.flatMap { [ppi, $0, trigger | cpuMask(o)] })
        if l.timerNodeHasClockFrequency {
            // Firmware on the real Arndale may leave CNTFRQ unset; the DT says the rate.
            try w.u32("clock-frequency", UInt32(l.counterFrequency))
        }
        try w.empty("always-on")
        try w.end()
    }

    /// The GIC (interrupt-controller/arm,gic.yaml): GICD, GICC, GICH, GICV, maintenance PPI.
    static func gic(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions) throws {
        try w.begin("interrupt-controller@\(String(l.gicd.base, radix: 16))")
        try w.strings("compatible", l.gicCompatible)
        try w.u32("#interrupt-cells", 3)
        try w.u32("#address-cells", 0)
        try w.empty("interrupt-controller")
        try w.cells64("reg", [l.gicd, l.gicc, l.gich, l.gicv].flatMap { [$0.base, $0.size] })
        try w.cells32("interrupts", [ppi, l.maintenancePPI, levelHigh | cpuMask(o)])
        try w.u32("phandle", gicPhandle)
        try w.end()
    }

    /// The UART's input clock (clock/fixed-clock.yaml): 24 MHz, as QEMU's virt gives its PL011.
    static func clock(_ w: inout FDTWriter) throws {
        try w.begin("apb-pclk")
        try w.strings("compatible", ["fixed-clock"])
        try w.u32("#clock-cells", 0)
        try w.u32("clock-frequency", 24_000_000)
        try w.strings("clock-output-names", ["clk24mhz"])
        try w.u32("phandle", clockPhandle)
        try w.end()
    }

    /// The console: serial/pl011.yaml or serial/samsung_uart.yaml.
    static func uart(_ w: inout FDTWriter, _ l: BoardLayout, _ o: MachineOptions) throws {
        try w.begin(String(uartPath(l, o).dropFirst()))
        switch o.uart {
        case .pl011:
            try w.strings("compatible", ["arm,pl011", "arm,primecell"])
            try w.strings("clock-names", ["uartclk", "apb_pclk"])
        case .exynos:
            try w.strings("compatible", ["samsung,exynos4210-uart"])
            try w.strings("clock-names", ["uart", "clk_uart_baud0"])
        }
        let r = l.consoleRegion(o.uart)
        try w.cells64("reg", [r.base, r.size])
        try w.cells32("interrupts", [spi, l.consoleSPI, levelHigh])
        try w.cells32("clocks", [clockPhandle, clockPhandle])
        try w.end()
    }

    /// Checks a user-supplied blob: the header, its size and the root node.
    public static func validate(_ bytes: [UInt8], path: String) throws {
        guard bytes.count >= 40 else { throw HostInputError("\(path): not a device tree blob (too short)") }
        try bytes.withUnsafeBytes { p in
            let base = p.baseAddress!
            guard fdt_check_header(base) == 0 else {
                throw HostInputError("\(path): not a device tree blob (bad header)")
            }
            let total = Int(FDTWriter.bigEndian32(bytes, 4))
            guard total <= bytes.count else {
                throw HostInputError("\(path): truncated device tree blob (header says \(total) bytes, file has \(bytes.count))")
            }
            guard fdt_path_offset(base, "/") >= 0 else { throw HostInputError("\(path): device tree has no root node") }
        }
    }
}

/// A thin wrapper over libfdt's sequential-write calls that turns their error codes into one
/// HostInputError (which can only mean the buffer was too small: the input is ours).
struct FDTWriter {
    var buffer: [UInt8]

    init(capacity: Int) { buffer = [UInt8](repeating: 0, count: capacity) }

    private mutating func check(_ what: String, _ call: (UnsafeMutableRawPointer) -> Int32) throws {
        let r = buffer.withUnsafeMutableBytes { call($0.baseAddress!) }
        if r < 0 { throw HostInputError("building the device tree failed at \(what): \(String(cString: fdt_strerror(r)))") }
    }

    mutating func beginTree() throws {
        let n = Int32(buffer.count)
        try check("create") { fdt_create($0, n) }
        try check("reserve map") { fdt_finish_reservemap($0) }
        try begin("")
    }

    mutating func begin(_ name: String) throws { try check(name) { fdt_begin_node($0, name) } }
    mutating func end() throws { try check("end node") { fdt_end_node($0) } }

    mutating func property(_ name: String, _ bytes: [UInt8]) throws {
        try check(name) { p in bytes.withUnsafeBytes { fdt_property(p, name, $0.baseAddress, Int32($0.count)) } }
    }

    mutating func empty(_ name: String) throws { try property(name, []) }
    mutating func string(_ name: String, _ s: String) throws { try property(name, Array(s.utf8) + [0]) }
    mutating func strings(_ name: String, _ list: [String]) throws { try property(name, list.flatMap { Array($0.utf8) + [0] }) }
    mutating func u32(_ name: String, _ v: UInt32) throws { try cells32(name, [v]) }
    mutating func u64(_ name: String, _ v: UInt64) throws { try cells64(name, [v]) }

    /// Property values are big-endian cells (DT specification 2.2.4).
    mutating func cells32(_ name: String, _ v: [UInt32]) throws {
        try property(name, v.flatMap { x in (0..<4).map { UInt8(truncatingIfNeeded: x >> (24 - 8 * $0)) } })
    }

    mutating func cells64(_ name: String, _ v: [UInt64]) throws {
        try cells32(name, v.flatMap { [UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)] })
    }

    mutating func finish() throws -> [UInt8] {
        try check("finish") { fdt_finish($0) }
        return Array(buffer.prefix(Int(Self.bigEndian32(buffer, 4))))
    }

    static func bigEndian32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
