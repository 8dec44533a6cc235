// One function per device-tree node, each built from the BoardLayout and citing its binding
// (Linux Documentation/devicetree/bindings/..., the Devicetree Specification v0.4 "DTSpec").
// Nothing here knows an address that the layout does not hold.

/// The facts every node function needs, computed once.
struct DeviceTreeContext {
    let layout: BoardLayout
    let options: MachineOptions
    let initrd: (start: UInt64, size: UInt64)?

    /// The GIC is phandle 1 and the fixed clock phandle 2; nothing else is referenced.
    static let gicPhandle: UInt32 = 1
    static let clockPhandle: UInt32 = 2

    // Interrupt specifiers of arm,gic.yaml: <type number flags>; type 0 = SPI, 1 = PPI;
    // flags bits 3:0 = trigger (4 = level high), bits 15:8 = PPI target CPU mask.
    static let GIC_SPI: UInt32 = 0
    static let GIC_PPI: UInt32 = 1
    static let IRQ_TYPE_LEVEL_HIGH: UInt32 = 4
    static let IRQ_TYPE_EDGE_RISING: UInt32 = 1

    func spi(_ n: UInt32) -> [UInt32] { [Self.GIC_SPI, n, Self.IRQ_TYPE_LEVEL_HIGH] }

    /// A PPI reaches every CPU, so its mask names them all (GIC_CPU_MASK_SIMPLE(n)); the GICv3
    /// binding (arm,gic-v3.yaml) has no CPU mask.
    func ppi(_ n: UInt32) -> [UInt32] {
        if options.gicVersion == 3 { return [Self.GIC_PPI, n, Self.IRQ_TYPE_LEVEL_HIGH] }
        let mask = UInt32((1 << options.cpuCount) - 1)
        return [Self.GIC_PPI, n, mask << 8 | Self.IRQ_TYPE_LEVEL_HIGH]
    }

    /// Node names follow DTSpec 2.2.1: generic name @ unit address (the first reg address,
    /// lower-case hex without leading zeros).
    static func unitName(_ name: String, _ base: UInt64) -> String { name + "@" + String(base, radix: 16) }

    var uartNodeName: String { Self.unitName("serial", layout.consoleUART.base) }
    var uartPath: String { "/" + uartNodeName }

    /// reg entries with #address-cells = #size-cells = 2.
    static func reg(_ ranges: [AddressRange]) -> [UInt32] {
        ranges.flatMap { fdtCells64($0.base) + fdtCells64($0.size) }
    }
}

extension DeviceTreeBuilder {
    /// DTSpec 3.2 (root node); interrupt-parent makes the GIC the default for every node.
    static func rootProperties(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.property("#address-cells", u32: 2)
        try w.property("#size-cells", u32: 2)
        try w.property("model", string: c.layout.model(for: c.options.cpuModel ?? .cortexA57))
        try w.property("compatible", strings: c.layout.compatible)
        try w.property("interrupt-parent", u32: DeviceTreeContext.gicPhandle)
    }

    /// DTSpec 3.3 (/aliases): serial0 names the console for stdout-path and for Linux's ttyAMA0 /
    /// ttySAC0 numbering.
    static func aliasesNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("aliases") {
            try w.property("serial0", string: c.uartPath)
        }
    }

    /// DTSpec 3.6 (/chosen) and Linux's bindings/chosen.txt: the console, the command line and
    /// the initrd range (linux,initrd-end is exclusive).
    static func chosenNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("chosen") {
            try w.property("stdout-path", string: "serial0:115200n8")
            if !c.options.bootargs.isEmpty {
                try w.property("bootargs", string: c.options.bootargs)
            }
            if let initrd = c.initrd {
                try w.property("linux,initrd-start", u64: initrd.start)
                try w.property("linux,initrd-end", u64: initrd.start + initrd.size)
            }
        }
    }

    /// bindings/arm/cpus.yaml: on arm64, reg is MPIDR_EL1's affinity fields; with
    /// #address-cells = 1 that is Aff2..Aff0, and CPU n has Aff0 = n. CPUs start and stop through
    /// PSCI (enable-method, bindings/arm/psci.yaml).
    static func cpusNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("cpus") {
            try w.property("#address-cells", u32: 1)
            try w.property("#size-cells", u32: 0)
            for n in 0..<c.options.cpuCount {
                try w.node(DeviceTreeContext.unitName("cpu", UInt64(n))) {
                    try w.property("device_type", string: "cpu")
                    try w.property("compatible", strings: (c.options.cpuModel ?? .cortexA57).compatible)
                    try w.property("reg", u32: UInt32(n))
                    try w.property("enable-method", string: "psci")
                    if let node = c.options.numa?.node(ofCPU: n) { try w.property("numa-node-id", u32: UInt32(node)) }
                }
            }
        }
    }

    /// DTSpec 3.4 (/memory); with --numa, one memory node per NUMA node (bindings/numa.txt).
    static func memoryNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        if let numa = c.options.numa {
            for n in numa.nodes.indices {
                let range = numa.memoryRange(node: n, ramBase: c.layout.ramBase)
                try w.node(DeviceTreeContext.unitName("memory", range.base)) {
                    try w.property("device_type", string: "memory")
                    try w.property("reg", cells: DeviceTreeContext.reg([range]))
                    try w.property("numa-node-id", u32: UInt32(n))
                }
            }
            return
        }
        try w.node(DeviceTreeContext.unitName("memory", c.layout.ramBase)) {
            try w.property("device_type", string: "memory")
            try w.property("reg", cells: DeviceTreeContext.reg([AddressRange(base: c.layout.ramBase, size: c.options.memorySize)]))
        }
    }

    /// bindings/arm/psci.yaml. When the guest starts at EL2 it owns HVC, so armvm's firmware
    /// answers SMC (it plays EL3); a guest started at EL1 has no EL2 above it and calls the
    /// firmware with HVC, as on QEMU's virt without virtualization. The v0.1 function IDs serve
    /// software that only knows "arm,psci"; they are the SMC64 IDs of PSCI 0.2.
    static func psciNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("psci") {
            try w.property("compatible", strings: ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"])
            try w.property("method", string: c.options.startEL == 2 ? "smc" : "hvc")
            try w.property("cpu_suspend", u32: 0xC400_0001)
            try w.property("cpu_off", u32: 0x8400_0002)
            try w.property("cpu_on", u32: 0xC400_0003)
            try w.property("migrate", u32: 0xC400_0005)
        }
    }

    /// bindings/timer/arm,arch_timer.yaml: the four PPIs in the order secure physical,
    /// non-secure physical, virtual, hypervisor. always-on: the counter never stops in idle
    /// states, so Linux needs no broadcast timer.
    static func timerNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("timer") {
            try w.property("compatible", strings: ["arm,armv8-timer", "arm,armv7-timer"])
            try w.property("interrupts", cells: c.layout.timerPPIs.inBindingOrder.flatMap { c.ppi($0) })
            try w.property("always-on")
            if c.layout.timerClockFrequencyInDT {
                try w.property("clock-frequency", u32: UInt32(c.layout.counterFrequency))
            }
        }
    }

    /// bindings/arm/pmu.yaml: the core's PMU, its overflow interrupt a PPI on every CPU.
    static func pmuNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("pmu") {
            try w.property("compatible", strings: [(c.options.cpuModel ?? .cortexA57).pmuCompatible])
            try w.property("interrupts", cells: c.ppi(c.layout.pmuPPI))
        }
    }

    /// bindings/interrupt-controller/arm,gic.yaml: reg lists GICD, GICC, then GICH and GICV for
    /// the virtualization extensions, whose maintenance interrupt is the PPI in `interrupts`.
    static func gicNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        if c.options.gicVersion == 3, let v3 = c.layout.gicv3 { return try gicv3Node(w, c, v3) }
        let gic = c.layout.gic
        try w.node(DeviceTreeContext.unitName("interrupt-controller", gic.distributor.base)) {
            try w.property("compatible", strings: gic.compatible)
            try w.property("#interrupt-cells", u32: 3)
            // No child address space; dtc (interrupt_provider check) wants every interrupt
            // provider to say so, since interrupt-map entries include the parent's address cells.
            try w.property("#address-cells", u32: 0)
            try w.property("interrupt-controller")
            try w.property("reg", cells: DeviceTreeContext.reg([gic.distributor, gic.cpuInterface,
                                                                gic.virtualInterfaceControl, gic.virtualCPUInterface]))
            try w.property("interrupts", cells: c.ppi(gic.maintenancePPI))
            try w.property("phandle", u32: DeviceTreeContext.gicPhandle)
        }
    }

    /// bindings/interrupt-controller/arm,gic-v3.yaml: reg lists GICD, then one redistributor
    /// region holding every CPU's frames; the maintenance interrupt is a PPI.
    static func gicv3Node(_ w: FDTWriter, _ c: DeviceTreeContext, _ g: GICv3Layout) throws {
        try w.node(DeviceTreeContext.unitName("interrupt-controller", g.distributor.base)) {
            try w.property("compatible", strings: ["arm,gic-v3"])
            try w.property("#interrupt-cells", u32: 3)
            try w.property("#address-cells", u32: 0)
            try w.property("interrupt-controller")
            try w.property("#redistributor-regions", u32: 1)
            let gicr = AddressRange(base: g.redistributors, size: UInt64(c.options.cpuCount) * 0x2_0000)
            try w.property("reg", cells: DeviceTreeContext.reg([g.distributor, gicr]))
            try w.property("interrupts", cells: c.ppi(g.maintenancePPI))
            try w.property("phandle", u32: DeviceTreeContext.gicPhandle)
        }
    }

    /// bindings/clock/fixed-clock.yaml: the one clock that feeds the UART (both its reference
    /// and bus clock) and the PrimeCells' APB interface, like QEMU virt's "apb-pclk".
    static func clockNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        try w.node("apb-pclk") {
            try w.property("compatible", string: "fixed-clock")
            try w.property("#clock-cells", u32: 0)
            try w.property("clock-frequency", u32: c.layout.uartClockFrequency)
            try w.property("clock-output-names", string: "clk24mhz")
            try w.property("phandle", u32: DeviceTreeContext.clockPhandle)
        }
    }

    /// The console UART in the board's slot, described as the chosen model:
    /// bindings/serial/pl011.yaml (with bindings/arm/primecell.yaml) or
    /// bindings/serial/samsung_uart.yaml.
    static func uartNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        let slot = c.layout.consoleUART
        let clock = DeviceTreeContext.clockPhandle
        try w.node(c.uartNodeName) {
            switch c.options.uart {
            case .pl011:
                try w.property("compatible", strings: ["arm,pl011", "arm,primecell"])
            case .exynos:
                try w.property("compatible", string: "samsung,exynos4210-uart")
            }
            try w.property("reg", cells: DeviceTreeContext.reg([AddressRange(base: slot.base, size: c.options.uart.windowSize)]))
            try w.property("interrupts", cells: c.spi(slot.spi))
            try w.property("clocks", cells: [clock, clock])
            switch c.options.uart {
            case .pl011:
                try w.property("clock-names", strings: ["uartclk", "apb_pclk"])
            case .exynos:
                // The driver takes the gate clock "uart" and picks a baud source "clk_uart_baudN".
                try w.property("clock-names", strings: ["uart", "clk_uart_baud0"])
            }
        }
    }

    /// bindings/numa.txt: the distance of every node to every other, as <from to distance>
    /// triples (both directions written, so that nothing is left to defaults).
    static func distanceMapNode(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        guard let numa = c.options.numa else { return }
        let n = numa.nodes.count
        try w.node("distance-map") {
            try w.property("compatible", string: "numa-distance-map-v1")
            let matrix = (0..<n).flatMap { a in (0..<n).flatMap { b in [UInt32(a), UInt32(b), numa.distance(a, b)] } }
            try w.property("distance-matrix", cells: matrix)
        }
    }

    /// bindings/virtio/mmio.yaml: one node per transport that holds a device, as QEMU's virt
    /// writes them (create_virtio_devices): an edge-triggered SPI, and dma-coherent since the
    /// device reads and writes guest RAM directly.
    static func virtioNodes(_ w: FDTWriter, _ c: DeviceTreeContext) throws {
        let slots = c.layout.virtio
        for n in c.options.virtioDevices.indices {
            let range = slots.range(n)
            try w.node(DeviceTreeContext.unitName("virtio_mmio", range.base)) {
                try w.property("compatible", string: "virtio,mmio")
                try w.property("reg", cells: DeviceTreeContext.reg([range]))
                try w.property("interrupts", cells: [DeviceTreeContext.GIC_SPI, slots.spi(n), DeviceTreeContext.IRQ_TYPE_EDGE_RISING])
                try w.property("dma-coherent")
            }
        }
    }

    static func peripheralNode(_ w: FDTWriter, _ c: DeviceTreeContext, _ p: Peripheral) throws {
        guard let name = p.deviceTreeName else { return }
        switch p.kind {
        case .exynosMCT:
            return  // never reached: no node (see PeripheralKind.exynosMCT)
        case .pl031RTC:
            // bindings/arm/primecell.yaml and QEMU virt's create_rtc(): the RTC needs only its
            // APB clock.
            try w.node(DeviceTreeContext.unitName(name, p.range.base)) {
                try w.property("compatible", strings: ["arm,pl031", "arm,primecell"])
                try w.property("reg", cells: DeviceTreeContext.reg([p.range]))
                try w.property("interrupts", cells: p.spis.flatMap { c.spi($0) })
                try w.property("clocks", u32: DeviceTreeContext.clockPhandle)
                try w.property("clock-names", string: "apb_pclk")
            }
        case .sysram:
            // bindings/sram/sram.yaml: a generic "mmio-sram" with an identity-offset ranges,
            // as exynos5250.dtsi describes SYSRAM (its reserved sub-regions are left out).
            try w.node(DeviceTreeContext.unitName(name, p.range.base)) {
                try w.property("compatible", string: "mmio-sram")
                try w.property("reg", cells: DeviceTreeContext.reg([p.range]))
                try w.property("#address-cells", u32: 1)
                try w.property("#size-cells", u32: 1)
                try w.property("ranges", cells: [0] + fdtCells64(p.range.base) + [UInt32(p.range.size)])
            }
        }
    }
}
