/// Sub-word access to a bank of 32-bit registers, for devices on a 32-bit APB bus (PrimeCells,
/// Exynos peripherals) whose drivers use byte and halfword accesses as well as words
/// (Linux's amba-pl011 uses 16-bit accesses unless the node says `reg-io-width = <4>`).
struct WordAccess {
    /// The word-aligned register offset.
    let register: UInt64
    let shift: UInt64
    let mask: UInt32

    /// nil for an access the bus cannot perform: 8 bytes, another size, or not naturally aligned.
    init?(offset: UInt64, size: Int) {
        guard size == 1 || size == 2 || size == 4, offset % UInt64(size) == 0 else { return nil }
        register = offset & ~3
        shift = (offset & 3) * 8
        mask = size == 4 ? 0xFFFF_FFFF : UInt32((1 << (size * 8)) - 1)
    }

    /// The accessed lanes of a register value, for a read.
    func extract(_ word: UInt32) -> UInt64 { UInt64((word >> UInt32(shift)) & mask) }

    /// `old` with the written lanes replaced, for a write.
    func merge(_ value: UInt64, into old: UInt32) -> UInt32 {
        let lanes = mask << UInt32(shift)
        return (old & ~lanes) | ((UInt32(truncatingIfNeeded: value) << UInt32(shift)) & lanes)
    }

    /// Whether the access covers the register's least significant byte (the data byte of a
    /// UART transmit register).
    var coversLowByte: Bool { shift == 0 }
}

/// The PrimeCell identification registers at 0xFE0-0xFFC: PeriphID0-3 then PCellID0-3, one byte
/// in the low 8 bits of each word (every ARM PrimeCell TRM, e.g. DDI 0183 chapter 3).
struct PrimeCellID {
    let periphID: [UInt8]
    /// 0x0D, 0xF0, 0x05, 0xB1 for every PrimeCell: Linux's AMBA bus checks it (0xB105F00D).
    static let cellID: [UInt8] = [0x0D, 0xF0, 0x05, 0xB1]

    func read(register: UInt64) -> UInt32? {
        switch register {
        case 0xFE0...0xFEC: return UInt32(periphID[Int(register - 0xFE0) / 4])
        case 0xFF0...0xFFC: return UInt32(Self.cellID[Int(register - 0xFF0) / 4])
        default: return nil
        }
    }
}
