// QEMU's `virt` machine (hw/arm/virt.c, its base_memmap and a15irqmap tables), GICv2 with
// virtualization extensions (GICH and GICV at virt.c's VIRT_GIC_HYP and VIRT_GIC_VCPU), or with
// `--gic 3` a GICv3 at QEMU's GICv3 addresses (GICD at 0x0800_0000, redistributors from
// 0x080A_0000). Flash and PCIe are not provided.
//
//   0x0800_0000 +---------------------------+
//               | GICD (0x1_0000)           |  distributor (registers in the first 4 KiB)
//   0x0801_0000 | GICC (0x1_0000)           |  CPU interface
//               :                           :
//   0x0803_0000 | GICH (0x1_0000)           |  virtual interface control
//   0x0804_0000 | GICV (0x1_0000)           |  virtual CPU interface
//   0x080A_0000 | GICR (0x2_0000 per CPU)   |  GICv3 redistributors (--gic 3)
//               :                           :
//   0x0900_0000 | UART, console (0x1000)    |  SPI 1
//   0x0901_0000 | PL031 RTC (0x1000)        |  SPI 2
//               :                           :
//   0x0A00_0000 | virtio-mmio 0..31 (0x200) |  SPI 16 + n (virt.c's VIRT_MMIO, NUM_VIRTIO_TRANSPORTS)
//               :                           :
//   0x4000_0000 +---------------------------+
//               | RAM (--memory)            |
//               +---------------------------+

extension BoardLayout {
    public static let virt = BoardLayout(
        kind: .virt,
        name: "virt",
        // What QEMU's create_fdt() writes for the root node.
        model: "linux,dummy-virt",
        compatible: ["linux,dummy-virt"],
        ramBase: 0x4000_0000,
        // QEMU's default CNTFRQ for its emulated CPUs (62.5 MHz, a 16 ns tick).
        counterFrequency: 62_500_000,
        timerClockFrequencyInDT: false,
        gic: GICv2Layout(
            distributor: AddressRange(base: 0x0800_0000, size: 0x1_0000),
            cpuInterface: AddressRange(base: 0x0801_0000, size: 0x1_0000),
            virtualInterfaceControl: AddressRange(base: 0x0803_0000, size: 0x1_0000),
            virtualCPUInterface: AddressRange(base: 0x0804_0000, size: 0x1_0000),
            // virt.c's NUM_IRQS.
            spiCount: 256,
            maintenancePPI: 9,
            compatible: ["arm,cortex-a15-gic"]),
        gicv3: GICv3Layout(
            distributor: AddressRange(base: 0x0800_0000, size: 0x1_0000),
            redistributors: 0x080A_0000,
            // virt.c's VIRT_GIC_REDIST region: 0xF6_0000 bytes, 123 CPUs' frames.
            redistributorRegionLimit: 0xF6_0000,
            spiCount: 256,
            maintenancePPI: 9),
        timerPPIs: .standard,
        consoleUART: UARTSlot(base: 0x0900_0000, size: 0x1000, spi: 1),
        // virt.c's "apb-pclk" fixed clock.
        uartClockFrequency: 24_000_000,
        peripherals: [
            Peripheral(kind: .pl031RTC, name: "pl031", range: AddressRange(base: 0x0901_0000, size: 0x1000), spis: [2]),
        ],
        virtio: VirtioSlots(base: 0x0A00_0000, stride: 0x200, count: 32, firstSPI: 16))
}
