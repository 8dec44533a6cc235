import ARMCore
#if canImport(Glibc)
import Glibc
#endif

/// A gdb remote-protocol server (`armvm run --gdb PORT`): gdb or gdb-multiarch connects with
/// `target remote :PORT` and sees CPU 0 stopped at its first instruction, as with QEMU's
/// `-s -S`. It reads and writes registers (the core and FP/SIMD sets of gdb's AArch64 target
/// description) and memory (through the CPU's current translation), sets breakpoints, steps,
/// continues, and stops on Ctrl-C. One thread: CPU 0 (other CPUs run but are not shown).
///
/// The protocol is "Remote Serial Protocol" of the gdb manual (Appendix E): packets
/// `$data#checksum`, acknowledged with `+`.
public final class GDBServer {
    private let machine: Machine
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// What gdb asked the run to end with, for the exit status.
    public private(set) var exitStatus: Int32?

    /// Listen on 127.0.0.1:`port` (0: any free port, named in the announce line) and wait for
    /// gdb to connect. Host problems are bad input.
    public init(machine: Machine, port: UInt16, announce: (String) -> Void) throws {
        self.machine = machine
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HostInputError("--gdb: cannot create a socket") }
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else {
            throw HostInputError("--gdb: cannot listen on 127.0.0.1:\(port) (is the port in use?)")
        }
        // With port 0 the kernel picks one: name the one it picked, or gdb cannot find us.
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else { throw HostInputError("--gdb: cannot read the port listened on") }
        let listening = UInt16(bigEndian: actual.sin_port)
        announce("armvm: waiting for gdb on 127.0.0.1:\(listening) (target remote :\(listening))")
        fd = accept(listener, nil, nil)
        guard fd >= 0 else { throw HostInputError("--gdb: accept failed") }
        machine.debugInterrupt = { [unowned self] in self.interruptRequested() }
    }

    deinit { if fd >= 0 { close(fd) } }

    private var cpu: CPU { machine.cpus[0] }

    /// Serve gdb until it detaches or kills, or the guest ends. Returns how the run ended.
    public func serve(maxInstructions: UInt64?) -> MachineExit? {
        while let packet = readPacket() {
            if let end = handle(packet, maxInstructions: maxInstructions) { return end }
        }
        return nil   // gdb went away: stop the machine
    }

    // MARK: Commands

    private func handle(_ p: String, maxInstructions: UInt64?) -> MachineExit?? {
        let body = Array(p.utf8)
        guard let c = body.first else { send(""); return nil }
        let args = String(decoding: body.dropFirst(), as: UTF8.self)
        switch c {
        case UInt8(ascii: "?"): send("S05")
        case UInt8(ascii: "g"): send(allRegisters())
        case UInt8(ascii: "G"): writeAllRegisters(args); send("OK")
        case UInt8(ascii: "p"):
            if let n = Int(args, radix: 16), let v = register(n) { send(v) } else { send("E01") }
        case UInt8(ascii: "P"):
            let parts = args.split(separator: "=")
            if parts.count == 2, let n = Int(parts[0], radix: 16), setRegister(n, String(parts[1])) { send("OK") } else { send("E01") }
        case UInt8(ascii: "m"): send(readMemory(args))
        case UInt8(ascii: "M"): send(writeMemory(args) ? "OK" : "E01")
        case UInt8(ascii: "c"), UInt8(ascii: "s"):
            if let a = UInt64(args, radix: 16) { cpu.pc = a }
            return resume(step: c == UInt8(ascii: "s"), maxInstructions: maxInstructions)
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            // Z0/Z1 (software and hardware breakpoints alike): type,addr,kind.
            let f = args.split(separator: ",")
            guard f.count >= 2, f[0] == "0" || f[0] == "1", let a = UInt64(f[1], radix: 16) else { send(""); break }
            if c == UInt8(ascii: "Z") { machine.breakpoints.insert(a) } else { machine.breakpoints.remove(a) }
            send("OK")
        case UInt8(ascii: "k"): return .some(.guestExit(code: 0))
        case UInt8(ascii: "D"): send("OK"); machine.breakpoints = []; return .some(nil)
        case UInt8(ascii: "H"), UInt8(ascii: "T"): send("OK")
        case UInt8(ascii: "q"): query(p)
        default: send("")   // not supported: the empty reply
        }
        return nil
    }

    private func query(_ p: String) {
        if p.hasPrefix("qSupported") {
            send("PacketSize=4000;qXfer:features:read+")
        } else if p.hasPrefix("qXfer:features:read:target.xml:") {
            let range = p.dropFirst("qXfer:features:read:target.xml:".count).split(separator: ",")
            let xml = Array(Self.targetXML.utf8)
            guard range.count == 2, let off = Int(range[0], radix: 16), let len = Int(range[1], radix: 16) else { send("E01"); return }
            let start = min(off, xml.count), end = min(off + len, xml.count)
            send((end < xml.count ? "m" : "l") + String(decoding: xml[start..<end], as: UTF8.self))
        } else if p == "qAttached" {
            send("1")
        } else if p == "qC" {
            send("QC1")
        } else if p == "qfThreadInfo" {
            send("m1")
        } else if p == "qsThreadInfo" {
            send("l")
        } else {
            send("")
        }
    }

    private func resume(step: Bool, maxInstructions: UInt64?) -> MachineExit?? {
        machine.singleStep = step
        machine.resumeFrom = cpu.pc
        let r = machine.run(maxInstructions: maxInstructions)
        machine.singleStep = false
        switch r {
        case .debugStop:
            send("S05")
            return nil
        case .guestExit(let code):
            send("W" + hex2(UInt8(truncatingIfNeeded: code)))
            return .some(r)
        default:
            send("X0f")   // ended by a signal-like stop (limit, stuck, idle, reset)
            return .some(r)
        }
    }

    // MARK: Registers: x0-x30, sp, pc, cpsr (32 bits), v0-v31 (128 bits), fpsr, fpcr (32 bits)

    private func register(_ n: Int) -> String? {
        switch n {
        case 0...30: return le(cpu.x[n], 8)
        case 31: return le(cpu.x[Int(Reg.sp)], 8)
        case 32: return le(cpu.pc, 8)
        case 33: return le(cpu.pstateBits, 4)
        case 34...65: return le(cpu.vLow(UInt8(n - 34)), 8) + le(cpu.vHigh(UInt8(n - 34)), 8)
        case 66: return le(cpu.fpsr, 4)
        case 67: return le(cpu.fpcr, 4)
        default: return nil
        }
    }

    private func setRegister(_ n: Int, _ hex: String) -> Bool {
        let bytes = decodeHex(hex)
        func value(_ from: Int, _ count: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<min(count, max(0, bytes.count - from)) { v |= UInt64(bytes[from + i]) << (8 * UInt64(i)) }
            return v
        }
        switch n {
        case 0...30: cpu.x[n] = value(0, 8)
        case 31: cpu.x[Int(Reg.sp)] = value(0, 8)
        case 32: cpu.pc = value(0, 8)
        case 33: cpu.nzcv = UInt32(truncatingIfNeeded: value(0, 4)) & 0xF000_0000
        case 34...65: cpu.setV(UInt8(n - 34), low: value(0, 8), high: value(8, 8))
        case 66: cpu.writeSysReg(.FPSR, value(0, 4))
        case 67: cpu.writeSysReg(.FPCR, value(0, 4))
        default: return false
        }
        return true
    }

    private func allRegisters() -> String { (0...67).compactMap { register($0) }.joined() }

    private func writeAllRegisters(_ hex: String) {
        let chars = Array(hex)
        var at = 0
        for n in 0...67 {
            let width = n == 33 || n >= 66 ? 8 : (n >= 34 ? 32 : 16)
            guard at + width <= chars.count else { return }
            _ = setRegister(n, String(chars[at..<at + width]))
            at += width
        }
    }

    // MARK: Memory, through the current translation; an address that faults reads as an error.

    private func readMemory(_ args: String) -> String {
        let f = args.split(separator: ",")
        guard f.count == 2, let a = UInt64(f[0], radix: 16), let n = Int(f[1], radix: 16), n <= 0x1000 else { return "E01" }
        var out = ""
        for i in 0..<n {
            guard let b = try? cpu.readMemory(a &+ UInt64(i), size: 1) else { return out.isEmpty ? "E14" : out }
            out += hex2(UInt8(truncatingIfNeeded: b))
        }
        return out
    }

    private func writeMemory(_ args: String) -> Bool {
        let f = args.split(separator: ":", maxSplits: 1)
        let head = f.first?.split(separator: ",") ?? []
        guard f.count == 2, head.count == 2, let a = UInt64(head[0], radix: 16) else { return false }
        for (i, b) in decodeHex(String(f[1])).enumerated() {
            guard (try? cpu.writeMemory(a &+ UInt64(i), size: 1, value: UInt64(b))) != nil else { return false }
        }
        return true
    }

    // MARK: Packets

    private func readByte(wait: Bool) -> UInt8? {
        var b: UInt8 = 0
        let n = recv(fd, &b, 1, wait ? 0 : Int32(MSG_DONTWAIT))
        return n == 1 ? b : nil
    }

    /// The next packet's data, acknowledged; nil when the connection closed.
    private func readPacket() -> String? {
        while true {
            guard let b = readByte(wait: true) else { return nil }
            if b == 0x03 { continue }          // Ctrl-C while stopped: nothing to interrupt
            guard b == UInt8(ascii: "$") else { continue }
            var data: [UInt8] = []
            while let c = readByte(wait: true), c != UInt8(ascii: "#") { data.append(c) }
            _ = readByte(wait: true); _ = readByte(wait: true)   // checksum: TCP is reliable
            _ = write(fd, "+", 1)
            return String(decoding: data, as: UTF8.self)
        }
    }

    private func send(_ s: String) {
        let body = Array(s.utf8)
        let sum = body.reduce(UInt8(0)) { $0 &+ $1 }
        let packet = Array("$".utf8) + body + Array("#".utf8) + Array(hex2(sum).utf8)
        _ = packet.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = readByte(wait: true)               // gdb's '+'
    }

    private func interruptRequested() -> Bool {
        guard let b = readByte(wait: false) else { return false }
        return b == 0x03
    }

    // MARK: Hex

    private func hex2(_ b: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(b >> 4)], d[Int(b & 15)]])
    }

    private func le(_ v: UInt64, _ bytes: Int) -> String {
        (0..<bytes).map { hex2(UInt8(truncatingIfNeeded: v >> (8 * UInt64($0)))) }.joined()
    }

    private func decodeHex(_ s: String) -> [UInt8] {
        let c = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 1 < c.count {
            if let v = UInt8(String(decoding: c[i...i + 1], as: UTF8.self), radix: 16) { out.append(v) }
            i += 2
        }
        return out
    }

    /// gdb's AArch64 core and FP/SIMD feature sets, in the register order above.
    static let targetXML: String = {
        var x = "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target><architecture>aarch64</architecture>"
        x += "<feature name=\"org.gnu.gdb.aarch64.core\">"
        for i in 0...30 { x += "<reg name=\"x\(i)\" bitsize=\"64\" type=\"int\"/>" }
        x += "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/><reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
        x += "<reg name=\"cpsr\" bitsize=\"32\" type=\"int\"/></feature><feature name=\"org.gnu.gdb.aarch64.fpu\">"
        x += "<vector id=\"v2d\" type=\"uint64\" count=\"2\"/><vector id=\"v4s\" type=\"uint32\" count=\"4\"/>"
        x += "<vector id=\"v16b\" type=\"uint8\" count=\"16\"/><union id=\"vq\"><field name=\"d\" type=\"v2d\"/>"
        x += "<field name=\"s\" type=\"v4s\"/><field name=\"b\" type=\"v16b\"/></union>"
        for i in 0...31 { x += "<reg name=\"v\(i)\" bitsize=\"128\" type=\"vq\"/>" }
        x += "<reg name=\"fpsr\" bitsize=\"32\" type=\"int\"/><reg name=\"fpcr\" bitsize=\"32\" type=\"int\"/></feature></target>"
        return x
    }()
}
