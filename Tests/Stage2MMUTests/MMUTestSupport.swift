import XCTest
import Bus
@testable import Stage2MMU

/// A physical address space with a bump allocator for translation tables and a mapper that
/// writes descriptors the way an operating system or hypervisor would.
final class TableMemory {
    static let ramBase: UInt64 = 0x4000_0000
    let bus = PhysicalAddressSpace(ramBase: TableMemory.ramBase, ramSize: 16 << 20)!
    /// Tables live in the first 8 MiB; the rest is free for data pages.
    private var next: UInt64 = TableMemory.ramBase

    /// A zeroed, `size`-aligned region (RAM starts zeroed).
    func allocate(_ size: UInt64) -> UInt64 {
        let align = max(size, 0x1000)
        next = (next + align - 1) & ~(align - 1)
        let a = next
        next += size
        precondition(next <= TableMemory.ramBase + (8 << 20), "table area exhausted")
        return a
    }

    func write(_ pa: UInt64, _ value: UInt64) {
        XCTAssertTrue(bus.write(pa, size: 8, value: value))
    }

    func read(_ pa: UInt64) -> UInt64 { bus.read(pa, size: 8)! }

    /// Bytes of the start table: 8 × 2^(inputSize − bits resolved below the start level).
    static func startTableSize(_ g: Granule, inputSize: Int, startLevel: Int) -> UInt64 {
        8 << UInt64(inputSize - ((3 - startLevel) * g.stride + g.shift))
    }

    /// A start table for the given geometry.
    func root(_ g: Granule, inputSize: Int, startLevel: Int) -> UInt64 {
        allocate(TableMemory.startTableSize(g, inputSize: inputSize, startLevel: startLevel))
    }

    /// Maps `input` to `output` with a leaf descriptor at `leafLevel` (block below 3, page at
    /// 3), creating next-level tables on the way; `tableBits` are OR-ed into each table
    /// descriptor crossed. `translate` maps a table's address as written in a descriptor
    /// (an IPA for a stage-1 table under stage 2) to where the test keeps it.
    /// Returns the physical address of the leaf descriptor.
    @discardableResult
    func map(_ input: UInt64, to output: UInt64, root: UInt64, granule g: Granule, inputSize: Int,
             startLevel: Int, leafLevel: Int, attrs: UInt64, tableBits: UInt64 = 0,
             leafType: UInt64? = nil) -> UInt64 {
        var table = root
        var level = startLevel
        var top = inputSize - 1
        while true {
            let bottom = (3 - level) * g.stride + g.shift
            let index = (input >> UInt64(bottom)) & ((UInt64(1) << UInt64(top - bottom + 1)) - 1)
            let slot = table + index * 8
            if level == leafLevel {
                let type = leafType ?? (level == 3 ? DescriptorBits.page : DescriptorBits.block)
                let out = output & ~((UInt64(1) << UInt64(bottom)) - 1)
                write(slot, out | attrs | type)
                return slot
            }
            var d = read(slot)
            if d & 3 != 3 {
                d = allocate(UInt64(1) << UInt64(g.shift)) | DescriptorBits.table
            }
            d |= tableBits
            write(slot, d)
            table = d & 0x0000_FFFF_FFFF_F000 & ~((UInt64(1) << UInt64(g.shift)) - 1)
            level += 1
            top = bottom - 1
        }
    }

    /// The physical address of the descriptor at `level` for `input` (after the tables exist).
    func descriptorAddress(_ input: UInt64, root: UInt64, granule g: Granule, inputSize: Int,
                           startLevel: Int, level wanted: Int) -> UInt64 {
        var table = root
        var level = startLevel
        var top = inputSize - 1
        while true {
            let bottom = (3 - level) * g.stride + g.shift
            let index = (input >> UInt64(bottom)) & ((UInt64(1) << UInt64(top - bottom + 1)) - 1)
            let slot = table + index * 8
            if level == wanted { return slot }
            table = read(slot) & 0x0000_FFFF_FFFF_F000 & ~((UInt64(1) << UInt64(g.shift)) - 1)
            level += 1
            top = bottom - 1
        }
    }
}

/// Register values, field by field, as the Arm ARM lays them out.
enum Reg {
    /// TCR_EL1. tg0/tg1 take the raw encodings (they differ: see Granule.fromTG0/fromTG1).
    static func tcrEL1(t0sz: UInt64 = 16, tg0: UInt64 = 0b00, t1sz: UInt64 = 16, tg1: UInt64 = 0b10,
                       ips: UInt64 = 0b100, epd0: Bool = false, epd1: Bool = false, a1: Bool = false,
                       as16: Bool = false, tbi0: Bool = false, tbi1: Bool = false) -> UInt64 {
        var v = t0sz | tg0 << 14 | t1sz << 16 | tg1 << 30 | ips << 32
        if epd0 { v |= 1 << 7 }
        if a1 { v |= 1 << 22 }
        if epd1 { v |= 1 << 23 }
        if as16 { v |= 1 << 36 }
        if tbi0 { v |= 1 << 37 }
        if tbi1 { v |= 1 << 38 }
        return v
    }

    static func tcrEL2(t0sz: UInt64 = 16, tg0: UInt64 = 0b00, ps: UInt64 = 0b100, tbi: Bool = false) -> UInt64 {
        t0sz | tg0 << 14 | ps << 16 | (tbi ? 1 << 20 : 0) | 1 << 31 | 1 << 23  // RES1 bits 31, 23
    }

    static func vtcr(t0sz: UInt64, sl0: UInt64, tg0: UInt64 = 0b00, ps: UInt64 = 0b100) -> UInt64 {
        t0sz | sl0 << 6 | tg0 << 14 | ps << 16 | 1 << 31  // RES1 bit 31
    }

    static func ttbr(_ base: UInt64, asid: UInt64 = 0) -> UInt64 { base | asid << 48 }
    static func vttbr(_ base: UInt64, vmid: UInt64 = 0) -> UInt64 { base | vmid << 48 }

    /// SCTLR_ELx with M set; WXN and EE on request.
    static func sctlr(m: Bool = true, wxn: Bool = false, ee: Bool = false) -> UInt64 {
        (m ? 1 : 0) | (wxn ? 1 << 19 : 0) | (ee ? 1 << 25 : 0)
    }

    /// MAIR with attribute 0 Device-nGnRnE, 1 Normal write-back.
    static let mair: UInt64 = 0xFF << 8
}

/// Leaf attributes used across the tests.
enum Attr {
    /// Normal memory (AttrIndx 1), inner shareable, AF set, EL1 RW, EL0 none.
    static let kernelRW: UInt64 = DescriptorBits.af | DescriptorBits.attrIndex(1) | DescriptorBits.shareability(3)
    /// EL1 and EL0 read/write.
    static let userRW = kernelRW | DescriptorBits.ap(0b01)
    /// Stage 2: read/write, Normal write-back (MemAttr 1111), AF set.
    static let s2RW: UInt64 = DescriptorBits.af | DescriptorBits.s2ap(0b11) | DescriptorBits.memAttr(0xF)
        | DescriptorBits.shareability(3)
}

/// Records every descriptor read.
final class RecordingObserver: TranslationObserver {
    var reads: [(address: UInt64, value: UInt64, level: UInt8, stage: UInt8)] = []
    func descriptorRead(address: UInt64, value: UInt64, level: UInt8, stage: UInt8) {
        reads.append((address, value, level, stage))
    }
}

/// Runs `body` and returns the fault it throws, or fails the test.
func expectFault<T>(_ body: () throws(FaultRecord) -> T, file: StaticString = #filePath, line: UInt = #line) -> FaultRecord? {
    do {
        let r = try body()
        XCTFail("expected a fault, got \(r)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Runs `body` and returns its result, or fails the test with the fault.
func expectSuccess<T>(_ body: () throws(FaultRecord) -> T, file: StaticString = #filePath, line: UInt = #line) -> T? {
    do {
        return try body()
    } catch {
        XCTFail("unexpected \(error.summary)", file: file, line: line)
        return nil
    }
}
