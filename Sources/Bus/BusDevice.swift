/// A memory-mapped device. It knows offsets inside its own window, never absolute addresses, so the
/// board table alone decides where it sits. Returning nil / false signals a bus error (an access
/// size or offset the device does not support); the CPU turns it into a synchronous external abort.
public protocol BusDevice: AnyObject {
    /// Short name used in traces and error messages.
    var name: String { get }
    func read(offset: UInt64, size: Int) -> UInt64?
    func write(offset: UInt64, size: Int, value: UInt64) -> Bool
}

/// An interrupt output. Devices raise and lower a line; they never know the interrupt
/// controller behind it (the board wires the line to a GIC input).
public final class InterruptLine {
    public private(set) var level = false
    private let sink: (Bool) -> Void
    public init(sink: @escaping (Bool) -> Void) { self.sink = sink }
    /// A line connected to nothing.
    public static func unconnected() -> InterruptLine { InterruptLine { _ in } }
    public func set(_ high: Bool) {
        if high != level { level = high; sink(high) }
    }
}
