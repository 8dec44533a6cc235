// The virt board: QEMU's `virt` map (hw/arm/virt.c), so that bare-metal code written for
// `qemu-system-aarch64 -M virt` runs unmodified.
//
//   0x0800_0000 +------------------+ GIC distributor (GICv2)        64 KiB
//   0x0801_0000 +------------------+ GIC CPU interface              64 KiB
//   0x0803_0000 +------------------+ GICH (virtualization=on)       64 KiB
//   0x0804_0000 +------------------+ GICV (virtualization=on)       64 KiB
//   0x0900_0000 +------------------+ PL011 UART, SPI 1               4 KiB
//   0x4000_0000 +------------------+ RAM (--memory)

extension BoardLayout {
    public static let virt = BoardLayout(
        kind: .virt,
        model: "armvm virt (QEMU virt-compatible)",
        compatible: ["linux,dummy-virt"],
        ramBase: 0x4000_0000,
        counterFrequency: 62_500_000,
        timerNodeHasClockFrequency: false,
        gicCompatible: ["arm,cortex-a15-gic"],
        gicd: Region(0x0800_0000, 0x1_0000),
        gicc: Region(0x0801_0000, 0x1_0000),
        gich: Region(0x0803_0000, 0x1_0000),
        gicv: Region(0x0804_0000, 0x1_0000),
        maintenancePPI: 9,
        timerPPIs: [13, 14, 11, 10],
        spiCount: 256,
        console: Region(0x0900_0000, 0x1000),
        consoleSPI: 1,
        extras: [])
}
