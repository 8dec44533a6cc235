// STUB until the board layer lands.
import Bus
public struct HostInputError: Error { public let message: String; public init(message: String) { self.message = message } }
public enum BoardKind: String, CaseIterable { case arndale, virt }
public enum UARTModel: String, CaseIterable { case pl011, exynos }
public struct MachineOptions { public var board = BoardKind.arndale; public var memorySize: UInt64 = 512 << 20; public var startEL: UInt8 = 2; public var uart = UARTModel.pl011; public var bootargs = ""; public var cpuCount = 1; public init() {}
  public static func parseSize(_ s: String) throws -> UInt64 { 512 << 20 } }
public struct BoardLayout { public var counterFrequency: UInt64 = 62_500_000 }
public struct LoadedImage { public var entry: UInt64 }
public final class Console { public init(fd: Int32) {}; public func put(_ b: UInt8) {}; public func flush() {} }
public struct PreparedMachine { public let bus: PhysicalAddressSpace; public let layout: BoardLayout; public let options: MachineOptions; public let console: Console; public let image: LoadedImage; public let dtbAddress: UInt64 }
public enum MachineSetup {
  public static func prepare(options: MachineOptions, imagePath: String, dtbPath: String?, initrdPath: String?, loadAddress: UInt64?, console: Console) throws -> PreparedMachine { throw HostInputError(message: "stub") }
  public static func deviceTree(options: MachineOptions) throws -> [UInt8] { [] }
}
