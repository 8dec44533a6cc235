/// The registers gdb is shown, as a target description (gdb's "Target Descriptions" appendix:
/// the org.gnu.gdb.aarch64.core/.fpu and org.gnu.gdb.arm.core/.vfp features) and the sizes of
/// its `g` packet. gdb numbers the registers in the order the description lists them; the
/// system registers (GDBSystemRegisters.swift) follow the `g` set and are read one by one.
public enum GDBRegisterLayout: Equatable {
    /// x0-x30, sp, pc (64 bits), cpsr (32), v0-v31 (128), fpsr, fpcr (32).
    case aarch64
    /// r0-r12, sp, lr, pc, cpsr (32 bits), d0-d31 (64), fpscr (32).
    case arm

    /// The registers of the `g` packet: the core and FP/SIMD sets.
    var registerCount: Int {
        switch self {
        case .aarch64: return 68
        case .arm: return 50
        }
    }

    /// The system registers, numbered from `registerCount` on.
    var systemRegisters: [GDBSystemRegister] {
        switch self {
        case .aarch64: return GDBSystemRegister.aarch64
        case .arm: return GDBSystemRegister.arm
        }
    }

    /// Every register `p` and `P` may name.
    var allRegisterCount: Int { registerCount + systemRegisters.count }

    /// System register `n` (in gdb's numbering), if `n` names one.
    func systemRegister(_ n: Int) -> GDBSystemRegister? {
        let i = n - registerCount
        let regs = systemRegisters
        return regs.indices.contains(i) ? regs[i] : nil
    }

    /// Register `n`'s size in bytes.
    func width(_ n: Int) -> Int {
        if let r = systemRegister(n) { return r.bytes }
        switch self {
        case .aarch64:
            switch n {
            case 0...32: return 8
            case 34...65: return 16
            default: return 4
            }
        case .arm:
            return (17...48).contains(n) ? 8 : 4
        }
    }

    var allRegistersHexSize: Int { (0..<registerCount).reduce(0) { $0 + 2 * width($1) } }

    var targetXML: [UInt8] {
        switch self {
        case .aarch64: return GDBRegisterLayout.aarch64XML
        case .arm: return GDBRegisterLayout.armXML
        }
    }

    private static let header = "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target>"

    private static let aarch64XML: [UInt8] = {
        var x = header + "<architecture>aarch64</architecture><feature name=\"org.gnu.gdb.aarch64.core\">"
        for i in 0...30 { x += "<reg name=\"x\(i)\" bitsize=\"64\" type=\"int\"/>" }
        x += "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/><reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
        x += "<reg name=\"cpsr\" bitsize=\"32\" type=\"int\"/></feature><feature name=\"org.gnu.gdb.aarch64.fpu\">"
        x += "<vector id=\"v2d\" type=\"uint64\" count=\"2\"/><vector id=\"v4s\" type=\"uint32\" count=\"4\"/>"
        x += "<vector id=\"v16b\" type=\"uint8\" count=\"16\"/><union id=\"vq\"><field name=\"d\" type=\"v2d\"/>"
        x += "<field name=\"s\" type=\"v4s\"/><field name=\"b\" type=\"v16b\"/></union>"
        for i in 0...31 { x += "<reg name=\"v\(i)\" bitsize=\"128\" type=\"vq\"/>" }
        x += "<reg name=\"fpsr\" bitsize=\"32\" type=\"int\"/><reg name=\"fpcr\" bitsize=\"32\" type=\"int\"/></feature>"
        x += GDBSystemRegister.feature(GDBSystemRegister.aarch64, architecture: "aarch64", first: 68) + "</target>"
        return Array(x.utf8)
    }()

    /// gdb finds the arm registers by name in these features; with D0-D31 it shows the
    /// single-precision S and quad Q registers as pseudo-registers on its own.
    private static let armXML: [UInt8] = {
        var x = header + "<architecture>arm</architecture><feature name=\"org.gnu.gdb.arm.core\">"
        for i in 0...12 { x += "<reg name=\"r\(i)\" bitsize=\"32\" type=\"uint32\"/>" }
        x += "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/><reg name=\"lr\" bitsize=\"32\"/>"
        x += "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/><reg name=\"cpsr\" bitsize=\"32\"/></feature>"
        x += "<feature name=\"org.gnu.gdb.arm.vfp\">"
        for i in 0...31 { x += "<reg name=\"d\(i)\" bitsize=\"64\" type=\"ieee_double\"/>" }
        x += "<reg name=\"fpscr\" bitsize=\"32\" type=\"int\" group=\"float\"/></feature>"
        x += GDBSystemRegister.feature(GDBSystemRegister.arm, architecture: "arm", first: 50) + "</target>"
        return Array(x.utf8)
    }()
}
