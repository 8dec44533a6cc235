// Insignal Arndale (Samsung Exynos 5250), as Linux's arch/arm/boot/dts/exynos5250.dtsi and
// exynos5250-arndale.dts describe it (addresses and interrupt numbers as written there), with
// AArch64 CPUs in place of the Cortex-A15s.
//
//   0x0202_0000 +---------------------------+
//               | SYSRAM (0x30000)          |  on-chip SRAM
//   0x0205_0000 +---------------------------+
//               :                           :
//   0x101C_0000 +---------------------------+
//               | MCT (0x800)               |  multi-core timer, register file only
//               :                           :
//   0x1048_1000 | GICD (0x1000)             |  GIC-400 distributor
//   0x1048_2000 | GICC (0x2000)             |  CPU interface
//   0x1048_4000 | GICH (0x2000)             |  virtual interface control
//   0x1048_6000 | GICV (0x2000)             |  virtual CPU interface (size == GICC, as Xen requires)
//               :                           :
//   0x12C2_0000 | UART2, console (0x1_0000) |  SPI 53; PL011 or Exynos UART registers
//               :                           :
//   0x3F00_0000 | virtio-mmio 0..31 (0x200) |  SPI 224 + n; armvm's own (see below)
//               :                           :
//   0x4000_0000 +---------------------------+
//               | RAM (--memory)            |  2 GiB on the real board
//               +---------------------------+

extension BoardLayout {
    public static let arndale = BoardLayout(
        kind: .arndale,
        name: "arndale",
        model: "Insignal Arndale (Exynos 5250 memory map), AArch64",
        // Only the board's own compatible: "samsung,exynos5250" would make SoC-specific code
        // (e.g. cpufreq-dt-platdev's allowlist) expect clocks and regulators armvm does not model.
        compatible: ["insignal,arndale"],
        ramBase: 0x4000_0000,
        // The Exynos 5250 clocks its system counter from the 24 MHz crystal.
        counterFrequency: 24_000_000,
        timerClockFrequencyInDT: true,
        gic: GICv2Layout(
            distributor: AddressRange(base: 0x1048_1000, size: 0x1000),
            cpuInterface: AddressRange(base: 0x1048_2000, size: 0x2000),
            virtualInterfaceControl: AddressRange(base: 0x1048_4000, size: 0x2000),
            virtualCPUInterface: AddressRange(base: 0x1048_6000, size: 0x2000),
            // armvm's choice, as on virt; software reads the count from GICD_TYPER.
            spiCount: 256,
            maintenancePPI: 9,
            compatible: ["arm,gic-400", "arm,cortex-a15-gic"]),
        timerPPIs: .standard,
        // serial2 (UART2) is the console on the real board; UARTs sit 0x1_0000 apart, which
        // leaves room for a PL011's 4 KiB window.
        consoleUART: UARTSlot(base: 0x12C2_0000, size: 0x1_0000, spi: 53),
        uartClockFrequency: 24_000_000,
        peripherals: [
            Peripheral(kind: .sysram, name: "sysram", range: AddressRange(base: 0x0202_0000, size: 0x3_0000), spis: []),
            Peripheral(kind: .exynosMCT, name: "mct", range: AddressRange(base: 0x101C_0000, size: 0x800), spis: []),
        ],
        // Not on the real board: armvm's choice. 0x3F00_0000 lies above every block
        // exynos5250.dtsi describes (all below 0x1500_0000) and below DRAM; SPIs 224-255 are
        // above every SPI the dtsi uses and within the 256 armvm implements.
        virtio: VirtioSlots(base: 0x3F00_0000, stride: 0x200, count: 32, firstSPI: 224))
}
