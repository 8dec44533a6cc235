// Bus owns the physical address space: RAM and MMIO dispatch. It knows no CPU and no board.
// Typed addresses keep the three address kinds apart at module boundaries, where mixing up a
// VA, an IPA and a PA would otherwise type-check.

@frozen public struct PhysicalAddress: Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64
    @inlinable public init(_ value: UInt64) { self.value = value }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public var description: String { "PA 0x" + String(value, radix: 16) }
}

@frozen public struct IntermediatePhysicalAddress: Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64
    @inlinable public init(_ value: UInt64) { self.value = value }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public var description: String { "IPA 0x" + String(value, radix: 16) }
}

@frozen public struct VirtualAddress: Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64
    @inlinable public init(_ value: UInt64) { self.value = value }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public var description: String { "VA 0x" + String(value, radix: 16) }
}
