import ARMCore

/// The request half of gdb's remote protocol: a packet's data in, what to answer out. Each CPU
/// is a thread (id = CPU index + 1). It reads and writes the selected CPU's registers (the core,
/// FP/SIMD and system sets of gdb's AArch64 target description, or of its arm one for an
/// AArch32 guest: GDBRegisters.swift, GDBSystemRegisters.swift) and memory (through that CPU's
/// current translation), answers `monitor` commands, and sets breakpoints; resuming is left
/// to the caller, which must watch the socket meanwhile (`GDBServer`).
///
/// Every field gdb sends is checked: a malformed, negative, overflowing or oversized one gets an
/// error reply (`E01`; `E00` for qXfer, as the manual asks), never a trap.
///
/// For fuzzing: `GDBStub(machine:)` takes a `Machine` built in-process (no socket), and
/// `respond(to:)` takes any bytes as a packet's data. `resume(step:maxInstructions:)` runs the
/// machine for a `.resume` answer, bounded by `maxInstructions`.
public final class GDBStub {
    /// What to do with a packet.
    public enum Action: Equatable {
        /// Send this reply packet's data.
        case reply([UInt8])
        /// Run CPU 0 (one instruction if `step`); the stop is the reply (`resume`).
        case resume(step: Bool)
        /// gdb detached: reply OK and end the session.
        case detach
        /// gdb killed the target: end the session, no reply.
        case kill
    }

    public let machine: Machine
    /// The largest packet data accepted and sent; memory reads are capped to fit in it.
    public let maxPacketSize: Int
    /// gdb asked for QStartNoAckMode: from the next packet on, neither side acknowledges.
    public private(set) var noAckMode = false
    /// gdb's breakpoints are kept in a set; a bound keeps a flood of Z packets from growing it.
    static let maxBreakpoints = 4096
    /// gdb's watchpoints, searched on every data access while any is set: a few, as hardware has.
    static let maxWatchpoints = 16
    /// gdb's software (Z0) and hardware (Z1) breakpoints; each CPU's `externalDebug` holds both.
    private var softwareBreakpoints: Set<UInt64> = []
    private var hardwareBreakpoints: Set<UInt64> = []
    /// gdb said it understands `hwbreak` stop reasons (qSupported).
    private var hwbreakStops = false
    /// `Qqemu.PhyMemMode:1`: m and M address physical memory, as with QEMU's gdb stub.
    public private(set) var physicalMemoryMode = false

    /// gdb's view of the registers: AArch64, or arm when the guest started in AArch32 (as QEMU
    /// shows `qemu-system-arm -cpu cortex-a15`). gdb cannot change architecture in a session,
    /// so a hypervisor's 32-bit guests are seen through the AArch64 view (R[n] in X[n]).
    public let layout: GDBRegisterLayout

    public init(machine: Machine, maxPacketSize: Int = GDBFramer.defaultMaxPacketSize) {
        self.machine = machine
        // A Cortex-A15 is AArch32 at every EL, Hyp mode included.
        let cpu0 = machine.cpus[0]
        layout = cpu0.startedInAArch32 || cpu0.aarch32Only ? .arm : .aarch64
        // At least a `g` reply must fit.
        self.maxPacketSize = max(maxPacketSize, layout.allRegistersHexSize)
    }

    /// The thread `Hg` selected, and the one that stopped last: a CPU index.
    public private(set) var selected = 0
    /// The CPU that stopped last: its breakpoint is the one to step over on resuming.
    private var stopped = 0
    /// The CPU a step is for (`Hc`, or vCont's `s:N`); nil: any.
    private var stepping: Int?

    private var cpu: CPU { machine.cpus[selected] }

    static let error = Array("E01".utf8)
    static let qXferError = Array("E00".utf8)
    static let fault = Array("E14".utf8)
    static let ok = Array("OK".utf8)

    /// The answer to one packet's data (checksum already checked, `$` and `#cs` removed).
    public func respond(to packet: [UInt8]) -> Action {
        guard let c = packet.first else { return .reply([]) }
        let args = packet.dropFirst()
        switch c {
        case UInt8(ascii: "?"): return .reply(stopReply())
        case UInt8(ascii: "g"): return .reply(allRegisters())
        case UInt8(ascii: "G"): return .reply(writeAllRegisters(args))
        case UInt8(ascii: "p"): return .reply(readRegister(args))
        case UInt8(ascii: "P"): return .reply(writeRegister(args))
        case UInt8(ascii: "m"): return .reply(readMemory(args))
        case UInt8(ascii: "M"): return .reply(writeMemory(args, binary: false))
        case UInt8(ascii: "X"): return .reply(writeMemory(args, binary: true))
        case UInt8(ascii: "v"): return vPacket(packet)
        case UInt8(ascii: "c"), UInt8(ascii: "s"):
            if !args.isEmpty {
                guard let a = GDBHex.number(args) else { return .reply(Self.error) }
                cpu.pc = a
            }
            return .resume(step: c == UInt8(ascii: "s"))
        case UInt8(ascii: "Z"), UInt8(ascii: "z"): return .reply(breakpoint(args, insert: c == UInt8(ascii: "Z")))
        case UInt8(ascii: "k"): return .kill
        case UInt8(ascii: "D"): return .detach
        case UInt8(ascii: "H"):
            // Hg: the CPU whose registers and memory view gdb means; Hc (the thread to resume)
            // is accepted, but all CPUs run together, as in QEMU's all-stop mode.
            guard let op = args.first, op == UInt8(ascii: "g") || op == UInt8(ascii: "c"),
                  let t = thread(args.dropFirst(), orAll: true) else { return .reply(Self.error) }
            if case .cpu(let i) = t { if op == UInt8(ascii: "g") { selected = i } else { stepping = i } }
            if op == UInt8(ascii: "c"), case .any = t { stepping = nil }
            return .reply(Self.ok)
        case UInt8(ascii: "T"): return .reply(thread(args, orAll: false) != nil ? Self.ok : Self.error)
        case UInt8(ascii: "q"): return .reply(query(packet))
        case UInt8(ascii: "Q"):
            if packet.elementsEqual("Qqemu.PhyMemMode:1".utf8) || packet.elementsEqual("Qqemu.PhyMemMode:0".utf8) {
                physicalMemoryMode = packet.last == UInt8(ascii: "1")
                return .reply(Self.ok)
            }
            guard packet.elementsEqual("QStartNoAckMode".utf8) else { return .reply([]) }
            noAckMode = true
            return .reply(Self.ok)
        default: return .reply([])   // not supported: the empty reply
        }
    }

    /// Runs the machine for a `.resume` answer; returns the stop reply and, if the run ended
    /// (guest exit, instruction limit, ...), how.
    public func resume(step: Bool, maxInstructions: UInt64?) -> (reply: [UInt8], end: MachineExit?) {
        machine.singleStep = step
        machine.stepCPU = stepping
        machine.resumeFrom = machine.cpus[stopped].pc
        for c in machine.cpus { c.externalDebug.hit = nil; c.externalDebug.skipOnce = nil }
        // The breakpoint the stopped CPU sits on is stepped over once.
        machine.cpus[stopped].externalDebug.skipOnce = machine.cpus[stopped].pc
        let r = machine.run(maxInstructions: maxInstructions)
        machine.singleStep = false
        machine.stepCPU = nil
        switch r {
        case .debugStop(let i):
            if machine.cpus.indices.contains(i) { selected = i; stopped = i }
            return (stopReply(), nil)
        case .guestExit(let code):
            var w: [UInt8] = [UInt8(ascii: "W")]
            GDBHex.append(UInt8(truncatingIfNeeded: code), to: &w)
            return (w, r)
        default:
            return (Array("X0f".utf8), r)   // ended by a signal-like stop (limit, stuck, idle, reset)
        }
    }

    /// vCont (gdb's way to step one thread while the others stay): `vCont?` lists c, C, s and S
    /// (signals are ignored); a step action for a thread steps that CPU, else the CPUs continue.
    /// Other v packets are not supported.
    private func vPacket(_ p: [UInt8]) -> Action {
        let text = String(decoding: p, as: UTF8.self)
        if text == "vCont?" { return reply("vCont;c;C;s;S") }
        guard text.hasPrefix("vCont;") else { return .reply([]) }
        var step = false
        var target: Int?   // the CPU the first step action names; nil: any
        for action in p.dropFirst(6).split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let (head, tid) = Self.cut(action, at: ":") ?? (action, [])
            guard let kind = head.first, head.count == 1 || ((kind == UInt8(ascii: "C") || kind == UInt8(ascii: "S"))
                                                             && GDBHex.number(head.dropFirst()) != nil) else { return .reply(Self.error) }
            var cpu: Int?
            if !tid.isEmpty {
                guard let t = thread(tid, orAll: true) else { return .reply(Self.error) }
                if case .cpu(let i) = t { cpu = i }
            }
            switch kind {
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                if !step { step = true; target = cpu }
            case UInt8(ascii: "c"), UInt8(ascii: "C"): break
            default: return .reply(Self.error)
            }
        }
        if step { stepping = target }
        return .resume(step: step)
    }

    /// SIGTRAP; with several CPUs, naming the one that stopped, so gdb shows that thread; with
    /// the watchpoint (`watch:`, `rwatch:`, `awatch:` and the address) or hardware breakpoint
    /// (`hwbreak:;`) that stopped it.
    private func stopReply() -> [UInt8] {
        var reason = ""
        switch machine.cpus[stopped].externalDebug.hit {
        case .watch(let kind, let address):
            let name = kind == .write ? "watch" : kind == .read ? "rwatch" : "awatch"
            reason = "\(name):\(String(address, radix: 16));"
        case .breakpoint:
            if hwbreakStops && hardwareBreakpoints.contains(machine.cpus[stopped].pc) { reason = "hwbreak:;" }
        case nil: break
        }
        guard machine.cpus.count > 1 || !reason.isEmpty else { return Array("S05".utf8) }
        let thread = machine.cpus.count > 1 ? "thread:\(String(selected + 1, radix: 16));" : ""
        return Array("T05\(reason)\(thread)".utf8)
    }

    private func reply(_ s: String) -> Action { .reply(Array(s.utf8)) }

    private enum ThreadID { case any, cpu(Int) }

    /// What a thread id names: CPU n-1 for id n (qfThreadInfo's) and, if `orAll`, 0 (any) or
    /// -1 (all); nil when it names nothing.
    private func thread(_ id: ArraySlice<UInt8>, orAll: Bool) -> ThreadID? {
        if orAll && id.elementsEqual("-1".utf8) { return .any }
        guard let n = GDBHex.number(id) else { return nil }
        if n == 0 { return orAll ? .any : nil }
        return n <= UInt64(machine.cpus.count) ? .cpu(Int(n - 1)) : nil
    }

    /// `head` and `tail` around the first `separator`.
    private static func cut(_ s: ArraySlice<UInt8>, at separator: Character) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        guard let sep = separator.asciiValue, let i = s.firstIndex(of: sep) else { return nil }
        return (s[s.startIndex..<i], s[(i + 1)...])
    }

    // MARK: Queries

    private func query(_ p: [UInt8]) -> [UInt8] {
        let text = String(decoding: p, as: UTF8.self)
        let xfer = "qXfer:features:read:"
        if text == "qSupported" || text.hasPrefix("qSupported:") {
            let size = String(maxPacketSize, radix: 16)
            hwbreakStops = text.contains("hwbreak+")
            return Array("PacketSize=\(size);qXfer:features:read+;QStartNoAckMode+;hwbreak+".utf8)
        } else if text == "qqemu.PhyMemMode" {
            return Array((physicalMemoryMode ? "1" : "0").utf8)
        } else if text.hasPrefix(xfer) {
            return readTargetXML(p.dropFirst(xfer.utf8.count))
        } else if text == "qAttached" || text.hasPrefix("qAttached:") {
            return Array("1".utf8)
        } else if text == "qC" {
            return Array("QC\(String(selected + 1, radix: 16))".utf8)
        } else if text == "qfThreadInfo" {
            return Array(("m" + machine.cpus.indices.map { String($0 + 1, radix: 16) }.joined(separator: ",")).utf8)
        } else if text.hasPrefix("qThreadExtraInfo,") {
            guard case .cpu(let i) = thread(p.dropFirst(17), orAll: false) else { return Self.error }
            let c = machine.cpus[i]
            var out: [UInt8] = []
            for b in "CPU \(i) EL\(c.el)".utf8 { GDBHex.append(b, to: &out) }
            return out
        } else if text.hasPrefix("qRcmd,") {
            return monitor(p.dropFirst(6))
        } else if text == "qsThreadInfo" {
            return Array("l".utf8)
        }
        return []
    }

    /// qRcmd: a `monitor` command, hex-encoded; its text goes back hex-encoded in one reply
    /// (GDBMonitor.swift), cut to what fits in a packet.
    private func monitor(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard let command = GDBHex.bytes(args) else { return Self.error }
        let text = GDBMonitor.run(String(decoding: command, as: UTF8.self), cpu: cpu, layout: layout, machine: machine)
        var out: [UInt8] = []
        out.reserveCapacity(2 * text.utf8.count)
        for b in text.utf8.prefix(maxPacketSize / 2) { GDBHex.append(b, to: &out) }
        return out
    }

    /// `annex:offset,length` of qXfer:features:read. A length past what fits in a packet reads
    /// less (the manual allows it); an offset past the end is an error.
    private func readTargetXML(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard let (annex, range) = Self.cut(args, at: ":"), annex.elementsEqual("target.xml".utf8),
              let (offText, lenText) = Self.cut(range, at: ","),
              let off = GDBHex.number(offText), let len = GDBHex.number(lenText), len > 0 else { return Self.qXferError }
        let xml = layout.targetXML
        guard off <= UInt64(xml.count) else { return Self.error }
        var at = Int(off)
        var out: [UInt8] = [UInt8(ascii: "m")]
        let limit = min(UInt64(maxPacketSize - 1), len)
        var taken: UInt64 = 0
        while at < xml.count && taken < limit {
            let b = xml[at]
            let escaped = Self.needsEscape(b)
            if out.count + (escaped ? 2 : 1) > maxPacketSize { break }
            if escaped { out += [UInt8(ascii: "}"), b ^ 0x20] } else { out.append(b) }
            at += 1
            taken += 1
        }
        if at == xml.count { out[0] = UInt8(ascii: "l") }
        return out
    }

    /// Bytes that binary data in a packet escapes as `}` and the byte xor 0x20.
    private static func needsEscape(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "#") || b == UInt8(ascii: "$") || b == UInt8(ascii: "}") || b == UInt8(ascii: "*")
    }

    // MARK: Registers, in the layout's numbering (GDBRegisters.swift)

    private func appendRegister(_ n: Int, to out: inout [UInt8]) {
        if let r = layout.systemRegister(n) {
            GDBHex.appendLittleEndian(r.read(cpu), bytes: r.bytes, to: &out)
            return
        }
        switch layout {
        case .aarch64:
            switch n {
            case 0...30: GDBHex.appendLittleEndian(cpu.x[n], bytes: 8, to: &out)
            case 31: GDBHex.appendLittleEndian(cpu.x[Int(Reg.sp)], bytes: 8, to: &out)
            case 32: GDBHex.appendLittleEndian(cpu.pc, bytes: 8, to: &out)
            case 33: GDBHex.appendLittleEndian(cpu.pstateBits, bytes: 4, to: &out)
            case 34...65:
                GDBHex.appendLittleEndian(cpu.vLow(UInt8(n - 34)), bytes: 8, to: &out)
                GDBHex.appendLittleEndian(cpu.vHigh(UInt8(n - 34)), bytes: 8, to: &out)
            case 66: GDBHex.appendLittleEndian(cpu.fpsr, bytes: 4, to: &out)
            case 67: GDBHex.appendLittleEndian(cpu.fpcr, bytes: 4, to: &out)
            default: break
            }
        case .arm:
            switch n {
            case 0...14: GDBHex.appendLittleEndian(UInt64(cpu.debuggerR(n)), bytes: 4, to: &out)
            case 15: GDBHex.appendLittleEndian(cpu.pc, bytes: 4, to: &out)
            case 16: GDBHex.appendLittleEndian(UInt64(cpu.cpsr), bytes: 4, to: &out)
            case 17...48: GDBHex.appendLittleEndian(cpu.debuggerD(n - 17), bytes: 8, to: &out)
            case 49: GDBHex.appendLittleEndian(UInt64(cpu.debuggerFPSCR), bytes: 4, to: &out)
            default: break
            }
        }
    }

    /// Sets register `n` from exactly `layout.width(n)` bytes, least significant first. Of the
    /// status registers only the flags change (NZCV): mode and state belong to the guest.
    private func setRegister(_ n: Int, _ bytes: ArraySlice<UInt8>) {
        func value(_ from: Int, _ count: Int) -> UInt64 {
            var v: UInt64 = 0
            for (i, b) in bytes.dropFirst(from).prefix(count).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return v
        }
        switch layout {
        case .aarch64:
            switch n {
            case 0...30: cpu.x[n] = value(0, 8)
            case 31: cpu.x[Int(Reg.sp)] = value(0, 8)
            case 32: cpu.pc = value(0, 8)
            case 33: cpu.nzcv = UInt32(truncatingIfNeeded: value(0, 4)) & 0xF000_0000
            case 34...65: cpu.setV(UInt8(n - 34), low: value(0, 8), high: value(8, 8))
            case 66: cpu.writeSysReg(.FPSR, value(0, 4))
            case 67: cpu.writeSysReg(.FPCR, value(0, 4))
            default: break
            }
        case .arm:
            switch n {
            case 0...14: cpu.debuggerSetR(n, UInt32(truncatingIfNeeded: value(0, 4)))
            case 15: cpu.pc = value(0, 4)
            case 16: cpu.nzcv = UInt32(truncatingIfNeeded: value(0, 4)) & 0xF000_0000
            case 17...48: cpu.debuggerSetD(n - 17, value(0, 8))
            case 49: cpu.debuggerFPSCR = UInt32(truncatingIfNeeded: value(0, 4))
            default: break
            }
        }
    }

    /// A register number gdb sent, if it names one of ours.
    private func registerNumber(_ s: ArraySlice<UInt8>) -> Int? {
        guard let n = GDBHex.number(s), n < UInt64(layout.allRegisterCount) else { return nil }
        return Int(n)
    }

    private func readRegister(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard let n = registerNumber(args) else { return Self.error }
        var out: [UInt8] = []
        appendRegister(n, to: &out)
        return out
    }

    private func writeRegister(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard let (number, value) = Self.cut(args, at: "="), let n = registerNumber(number),
              let bytes = GDBHex.bytes(value), bytes.count == layout.width(n) else { return Self.error }
        if let r = layout.systemRegister(n) {
            var v: UInt64 = 0
            for (i, b) in bytes.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            return r.write(cpu, v) ? Self.ok : Self.error
        }
        setRegister(n, bytes[...])
        return Self.ok
    }

    private func allRegisters() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(layout.allRegistersHexSize)
        for n in 0..<layout.registerCount { appendRegister(n, to: &out) }
        return out
    }

    /// G: every register, in `g`'s layout; anything but exactly that is refused whole.
    private func writeAllRegisters(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard args.count == layout.allRegistersHexSize, let bytes = GDBHex.bytes(args) else { return Self.error }
        var at = 0
        for n in 0..<layout.registerCount {
            let w = layout.width(n)
            setRegister(n, bytes[at..<at + w])
            at += w
        }
        return Self.ok
    }

    // MARK: Memory, through the current translation; an address that faults answers E14.

    /// `addr,length`, checked: length 1 to `most`, and the range does not wrap past 2^64.
    private static func range(_ s: ArraySlice<UInt8>, most: Int, allowEmpty: Bool) -> (address: UInt64, count: Int)? {
        guard let (a, n) = cut(s, at: ","), let address = GDBHex.number(a), let length = GDBHex.number(n),
              length <= UInt64(most), length > 0 || allowEmpty else { return nil }
        if length > 0 && address.addingReportingOverflow(length - 1).overflow { return nil }
        return (address, Int(length))
    }

    /// m: a short read (some bytes, then a fault) answers the bytes read, as the manual allows.
    private func readMemory(_ args: ArraySlice<UInt8>) -> [UInt8] {
        guard let (address, count) = Self.range(args, most: maxPacketSize / 2, allowEmpty: false) else { return Self.error }
        var out: [UInt8] = []
        out.reserveCapacity(2 * count)
        for i in 0..<count {
            guard let b = readByte(address + UInt64(i)) else { return out.isEmpty ? Self.fault : out }
            GDBHex.append(b, to: &out)
        }
        return out
    }

    /// M (hex data) and X (binary data, `}`-escaped). A zero-length X is gdb's probe for X.
    private func writeMemory(_ args: ArraySlice<UInt8>, binary: Bool) -> [UInt8] {
        guard let (head, payload) = Self.cut(args, at: ":"),
              let (address, count) = Self.range(head, most: maxPacketSize, allowEmpty: true),
              let data = binary ? Self.unescape(payload) : GDBHex.bytes(payload), data.count == count else { return Self.error }
        for (i, b) in data.enumerated() {
            guard writeByte(address + UInt64(i), b) else { return Self.fault }
        }
        return Self.ok
    }

    /// One byte as gdb sees memory: through the selected CPU's translation, or physical in
    /// PhyMemMode (RAM only there: a device read could have side effects). Neither fires a
    /// watchpoint.
    private func readByte(_ address: UInt64) -> UInt8? {
        if physicalMemoryMode { return GDBMonitor.physicalByte(machine, address) }
        return cpu.withoutDebugEvents { (try? cpu.readMemory(address, size: 1)).map { UInt8(truncatingIfNeeded: $0) } }
    }

    private func writeByte(_ address: UInt64, _ b: UInt8) -> Bool {
        if physicalMemoryMode {
            let bus = machine.cpus[0].bus
            guard let p = bus.ramPointer(address, size: 1) else { return false }
            bus.noteRAMWrite(address, size: 1)
            p.storeBytes(of: b, as: UInt8.self)
            return true
        }
        return cpu.withoutDebugEvents { (try? cpu.writeMemory(address, size: 1, value: UInt64(b))) != nil }
    }

    /// Binary data with each `}x` turned back into x xor 0x20; nil if it ends inside an escape.
    private static func unescape(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var escaping = false
        for b in s {
            if escaping { out.append(b ^ 0x20); escaping = false } else if b == UInt8(ascii: "}") { escaping = true } else { out.append(b) }
        }
        return escaping ? nil : out
    }

    // MARK: Breakpoints

    /// Z/z `type,addr,kind`: 0 software and 1 hardware breakpoints (both stop before the
    /// instruction at addr), 2 write, 3 read and 4 access watchpoints of `kind` bytes. They go to
    /// every CPU's `externalDebug` (Sources/ARMCore/Debug/ExternalDebug.swift), apart from the
    /// guest's own debug registers.
    private func breakpoint(_ args: ArraySlice<UInt8>, insert: Bool) -> [UInt8] {
        let f = args.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard f.count == 3, let type = GDBHex.number(f[0]), let address = GDBHex.number(f[1]),
              let kind = GDBHex.number(f[2]) else { return Self.error }
        switch type {
        case 0, 1:
            if insert {
                let total = softwareBreakpoints.count + hardwareBreakpoints.count
                if !softwareBreakpoints.contains(address) && !hardwareBreakpoints.contains(address)
                    && total >= Self.maxBreakpoints { return Self.error }
                if type == 0 { softwareBreakpoints.insert(address) } else { hardwareBreakpoints.insert(address) }
            } else {
                if type == 0 { softwareBreakpoints.remove(address) } else { hardwareBreakpoints.remove(address) }
            }
            let all = softwareBreakpoints.union(hardwareBreakpoints)
            for c in machine.cpus { c.externalDebug.breakpoints = all; c.updateDebugArmed() }
        case 2, 3, 4:
            guard kind > 0, kind <= 1 << 31, !address.addingReportingOverflow(kind - 1).overflow else { return Self.error }
            let w = ExternalDebugPoints.Watch(address: address, length: kind,
                                              kind: type == 2 ? .write : type == 3 ? .read : .access)
            var list = machine.cpus[0].externalDebug.watchpoints
            if insert {
                if !list.contains(w) {
                    guard list.count < Self.maxWatchpoints else { return Self.error }
                    list.append(w)
                }
            } else {
                list.removeAll { $0 == w }
            }
            for c in machine.cpus { c.externalDebug.watchpoints = list; c.updateDebugArmed() }
        default:
            return []
        }
        return Self.ok
    }
}
