// The Arndale-like board: the Exynos 5250 memory map as Linux's exynos5250.dtsi and
// exynos5250-arndale.dts describe it, with an AArch64 Cortex-A57-like CPU in place of the A15s.
//
//   0x0202_0000 +------------------+ SYSRAM (192 KiB; Xen writes secondary-CPU entry here)
//   0x101C_0000 +------------------+ MCT (multi-core timer), 2 KiB
//   0x1048_1000 +------------------+ GIC-400 distributor       4 KiB
//   0x1048_2000 +------------------+ GIC-400 CPU interface     8 KiB
//   0x1048_4000 +------------------+ GICH (virtual interface control) 8 KiB
//   0x1048_6000 +------------------+ GICV (virtual CPU interface)     8 KiB
//   0x12C2_0000 +------------------+ console UART (serial2), SPI 53, PL011 or Exynos 4210
//   0x4000_0000 +------------------+ DRAM (--memory)

extension BoardLayout {
    public static let arndale = BoardLayout(
        kind: .arndale,
        model: "armvm Arndale-like (Exynos 5250)",
        compatible: ["armvm,arndale", "samsung,exynos5250"],
        ramBase: 0x4000_0000,
        counterFrequency: 24_000_000,
        timerNodeHasClockFrequency: true,
        gicCompatible: ["arm,gic-400", "arm,cortex-a15-gic"],
        gicd: Region(0x1048_1000, 0x1000),
        gicc: Region(0x1048_2000, 0x2000),
        gich: Region(0x1048_4000, 0x2000),
        gicv: Region(0x1048_6000, 0x2000),   // Xen requires size(GICV) == size(GICC)
        maintenancePPI: 9,
        timerPPIs: [13, 14, 11, 10],
        spiCount: 128,
        console: Region(0x12C2_0000, 0x100),
        consoleSPI: 53,
        extras: [.exynosMCT(Region(0x101C_0000, 0x800)), .sram(Region(0x0202_0000, 0x3_0000), name: "sysram")])
}
