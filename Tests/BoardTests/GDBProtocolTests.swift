import ARMCore
import Board
import XCTest

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The stream from gdb cut into events, without a socket.
final class GDBFramerTests: XCTestCase {
    func testPacketsAcksAndInterruptsInAnyChunking() {
        let stream = bytes("+$?#3f-$g#67") + [0x03] + bytes("junk$m0,4#fd")
        let expected: [GDBFramer.Event] = [.ack, .packet(bytes("?")), .nack, .packet(bytes("g")), .interrupt, .packet(bytes("m0,4"))]
        var whole = GDBFramer()
        XCTAssertEqual(whole.feed(stream), expected)
        var byByte = GDBFramer()
        XCTAssertEqual(stream.flatMap { byByte.feed([$0]) }, expected)
        XCTAssertTrue(byByte.isIdle)
    }

    func testChecksumIsVerified() {
        var f = GDBFramer()
        XCTAssertEqual(f.feed(bytes("$?#3e")), [.badChecksum])
        XCTAssertEqual(f.feed(bytes("$?#3F")), [.packet(bytes("?"))], "upper-case hex is hex")
        XCTAssertEqual(f.feed(bytes("$?#g0")), [.badChecksum])
        XCTAssertEqual(f.feed(bytes("$?#3")), [])
        XCTAssertFalse(f.isIdle)
        XCTAssertEqual(f.feed(bytes("z")), [.badChecksum])
        XCTAssertEqual(f.feed(bytes("$?#3f")), [.packet(bytes("?"))], "back in step after a bad one")
    }

    func testInterruptByteInsideAPacketIsData() {
        var f = GDBFramer()
        let data: [UInt8] = bytes("X0,1:") + [0x03]
        XCTAssertEqual(f.feed(GDBFramer.frame(data)), [.packet(data)])
    }

    func testDollarInsideAPacketStartsOver() {
        var f = GDBFramer()
        XCTAssertEqual(f.feed(bytes("$m0,$?#3f")), [.packet(bytes("?"))])
    }

    func testPacketSizeCap() {
        var f = GDBFramer(maxPacketSize: 16)
        let fits = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
        XCTAssertEqual(f.feed(GDBFramer.frame(fits)), [.packet(fits)])
        let tooBig = [UInt8](repeating: UInt8(ascii: "a"), count: 17)
        XCTAssertEqual(f.feed(GDBFramer.frame(tooBig)), [.oversized])
        var corrupt = GDBFramer.frame([UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20))
        corrupt[corrupt.count - 1] ^= 1
        XCTAssertEqual(f.feed(corrupt), [.badChecksum], "a bad checksum wins over the size")
        XCTAssertEqual(f.feed(GDBFramer.frame(fits)), [.packet(fits)])
    }

    func testFrame() {
        XCTAssertEqual(String(decoding: GDBFramer.frame(bytes("OK")), as: UTF8.self), "$OK#9a")
        XCTAssertEqual(String(decoding: GDBFramer.frame([UInt8]()), as: UTF8.self), "$#00")
    }
}

/// Requests answered by a `GDBStub` over a machine built in-process, as a fuzz harness would.
final class GDBStubTests: XCTestCase {
    var files: TempFiles!
    var machine: Machine!
    var stub: GDBStub!
    static let entry: UInt64 = 0x4008_0000

    override func setUpWithError() throws {
        files = try TempFiles()
        var o = MachineOptions()
        o.board = .virt
        o.memorySize = 64 << 20
        // nop; b . (so a continue runs until the instruction limit)
        let code: [UInt8] = [0x1F, 0x20, 0x03, 0xD5, 0x00, 0x00, 0x00, 0x14]
        let image = try files.write("gdb.elf", ELFBuilder(at: Self.entry, code: code, memsz: 0x1000).bytes)
        let prepared = try MachineSetup.prepare(options: o, imagePath: image, dtbPath: nil, initrdPath: nil,
                                                loadAddress: nil, console: Console(capture: true))
        machine = Machine(prepared: prepared)
        stub = GDBStub(machine: machine)
    }

    /// The reply to `packet`, as text; "<resume>", "<detach>" or "<kill>" for the other answers.
    func ask(_ packet: String) -> String { ask(bytes(packet)) }

    func ask(_ packet: [UInt8]) -> String {
        switch stub.respond(to: packet) {
        case .reply(let r): return String(decoding: r, as: UTF8.self)
        case .resume(let step): return step ? "<step>" : "<continue>"
        case .detach: return "<detach>"
        case .kill: return "<kill>"
        }
    }

    func testMalformedNumbersAnswerErrors() {
        let bad = [
            "m40080000,-1", "m40080000,ffffffffffffffff", "m40080000,10000000000000000", "m-1,4", "m,4", "m40080000,",
            "m40080000", "m 40080000,4", "m40080000,0", "m40080000,2001", "mfffffffffffffffe,4",
            "M40080000,4:zzzzzzzz", "M40080000,4:00", "M40080000,2:00000000", "M40080000,4:0000000", "M40080000,-4:00",
            "M40080000:00", "M40080000,4", "Mffffffffffffffff,2:0000", "M40080000,4001:00",
            "X40080000,2:a", "X40080000,1:ab", "X40080000,1:}", "X-1,0:",
            "p", "p70", "p-1", "pzz", "p10000000000000000", "P20=00", "P20=0000000000000000ff", "P20=zz00000000000000",
            "P70=0000000000000000", "P44=0000000000000000", "Pzz=00", "P=00", "P20", "G", "G00",
            "Z0,zz,4", "Z0,40080000", "Z0,-40080000,4", "z1,10000000000000000,4", "Zzz,0,4", "Z0,0,4,5", "Z0,0,-4",
            "c-4", "cxyz", "s10000000000000000", "c0x40080000",
            "H", "Hg", "Hg2", "Hgzz", "Hg-2", "Hx1", "T", "T2", "T-1", "T10000000000000001",
        ]
        for p in bad { XCTAssertEqual(ask(p), "E01", p) }
        XCTAssertEqual(machine.cpus[0].pc, Self.entry, "no bad c/s moved the pc")
        XCTAssertTrue(machine.cpus[0].externalDebug.breakpoints.isEmpty)
    }

    func testMemory() {
        XCTAssertEqual(ask("m40080000,4"), "1f2003d5")
        XCTAssertEqual(ask("M40080008,4:01020304"), "OK")
        XCTAssertEqual(ask("m40080008,4"), "01020304")
        // X data is binary; } escapes the next byte (xor 0x20): here '}' and '#'.
        XCTAssertEqual(ask(bytes("X40080008,3:") + [0x7D, 0x5D, 0x7D, 0x03, 0x41]), "OK")
        XCTAssertEqual(ask("m40080008,4"), "7d234104")
        XCTAssertEqual(ask("X40080008,0:"), "OK", "gdb's probe for X")
        XCTAssertEqual(ask("M40080008,0:"), "OK")
        XCTAssertEqual(ask("m40080000,2000").count, 0x4000, "a read up to half the packet size")
        XCTAssertEqual(ask("m0040080000,04"), "1f2003d5", "leading zeros")
        XCTAssertEqual(ask("mffffffffffffff00,4"), "E14", "a fault")
    }

    func testRegisters() {
        let cpu = machine.cpus[0]
        XCTAssertEqual(ask("p20"), "0000084000000000")
        XCTAssertEqual(ask("P0=efcdab8967452301"), "OK")
        XCTAssertEqual(cpu.x[0], 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(ask("P22=000102030405060708090a0b0c0d0e0f"), "OK")
        XCTAssertEqual(cpu.vLow(0), 0x0706_0504_0302_0100)
        XCTAssertEqual(cpu.vHigh(0), 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(ask("p22"), "000102030405060708090a0b0c0d0e0f")
        let all = ask("g")
        XCTAssertEqual(all.count, 31 * 16 + 16 + 16 + 8 + 32 * 32 + 8 + 8)
        XCTAssertEqual(ask("P0=0000000000000000"), "OK")
        XCTAssertEqual(ask("G" + all), "OK")
        XCTAssertEqual(cpu.x[0], 0x0123_4567_89AB_CDEF, "G wrote x0 back")
        XCTAssertEqual(ask("g"), all)
        XCTAssertEqual(ask("G" + all.dropLast(2)), "E01")
        XCTAssertEqual(ask("G" + all.dropLast(2) + "zz"), "E01")
    }

    /// The system-register feature: named and grouped for gdb, numbered after the `g` set,
    /// read with `p` without side effects, written with `P`.
    func testSystemRegisters() throws {
        let cpu = machine.cpus[0]
        let xml = ask("qXfer:features:read:target.xml:0,3fff")
        XCTAssertTrue(xml.hasPrefix("l"), "the whole description fits one reply")
        XCTAssertTrue(xml.contains("<feature name=\"org.armvm.gdb.aarch64.sysregs\">"), xml)
        for name in ["SCTLR_EL1", "TTBR0_EL1", "VBAR_EL1", "ESR_EL1", "SP_EL1", "HCR_EL2", "VTTBR_EL2", "VTCR_EL2",
                     "ESR_EL2", "HPFAR_EL2", "CPTR_EL2", "MDCR_EL2", "CNTHCTL_EL2", "CNTVOFF_EL2", "CurrentEL"] {
            XCTAssertTrue(xml.contains("<reg name=\"\(name)\" bitsize=\"64\" type=\"uint64\" regnum="), name)
        }
        XCTAssertTrue(xml.contains("regnum=\"68\" group=\"system\""), "numbered right after fpcr (67)")
        // HCR_EL2's number, from the description as gdb reads it.
        let hcrAt = try XCTUnwrap(xml.range(of: "<reg name=\"HCR_EL2\""))
        let tail = xml[hcrAt.upperBound...]
        let numAt = try XCTUnwrap(tail.range(of: "regnum=\""))
        let hcr = String(Int(tail[numAt.upperBound...].prefix { $0.isNumber })!, radix: 16)

        cpu.writeSysReg(.HCR_EL2, 0x8000_0001)
        let before = (0..<SysReg.allCases.count).map { cpu.sysregs[$0] }
        let registers = ask("g")
        XCTAssertEqual(ask("p" + hcr), "0100008000000000")
        for n in 68..<0x70 { XCTAssertEqual(ask("p" + String(n, radix: 16)).count, 16, "p\(n)") }
        XCTAssertEqual((0..<SysReg.allCases.count).map { cpu.sysregs[$0] }, before, "reads change nothing")
        XCTAssertEqual(ask("g"), registers)
        XCTAssertEqual(ask("g").count, registers.count, "g stops at fpcr")

        XCTAssertEqual(ask("P\(hcr)=0000008000000000"), "OK")
        XCTAssertEqual(cpu.sysregs[SysReg.HCR_EL2], 0x8000_0000)
        XCTAssertEqual(ask("P\(hcr)=00"), "E01", "a 64-bit register takes 8 bytes")
        let el = cpu.el
        XCTAssertEqual(ask("p44"), "0\(el << 2)00000000000000", "CurrentEL")
        XCTAssertEqual(ask("P44=0c00000000000000"), "E01", "CurrentEL is not writable")
        XCTAssertEqual(cpu.el, el)
    }

    func hex(_ s: String) -> String { s.utf8.map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined() }

    func unhex(_ s: String) -> String {
        var out: [UInt8] = []
        var it = s.makeIterator()
        while let h = it.next(), let l = it.next(), let b = UInt8(String([h, l]), radix: 16) { out.append(b) }
        return String(decoding: out, as: UTF8.self)
    }

    func testMonitorCommands() {
        let help = unhex(ask("qRcmd," + hex("help")))
        XCTAssertTrue(help.contains("monitor translate VA"), help)
        XCTAssertTrue(unhex(ask("qRcmd," + hex("bogus"))).hasPrefix("unknown monitor command 'bogus'"))
        machine.cpus[0].writeSysReg(.VBAR_EL2, 0x4008_0800)
        let regs = unhex(ask("qRcmd," + hex("info registers")))
        XCTAssertTrue(regs.contains("EL2:\n"), regs)
        XCTAssertTrue(regs.contains("  VBAR_EL2        0x0000000040080800\n"), regs)
        XCTAssertTrue(regs.hasPrefix("CPU 0  EL\(machine.cpus[0].el)  PC 0x0000000040080000"), regs)
        let flat = unhex(ask("qRcmd," + hex("translate 0x40080004")))
        XCTAssertTrue(flat.hasSuffix("PA  0x40080004\n"), "MMU off: VA is PA\n\(flat)")
        XCTAssertTrue(unhex(ask("qRcmd," + hex("translate el1 40080004"))).hasSuffix("PA  0x40080004\n"))
        XCTAssertEqual(unhex(ask("qRcmd," + hex("translate 0xzz"))), "usage: monitor translate [el1] VA\n")
        for bad in ["qRcmd,zz", "qRcmd,123"] { XCTAssertEqual(ask(bad), "E01", bad) }
        XCTAssertTrue(unhex(ask("qRcmd,")).contains("unknown monitor command"), "an empty command lists them")
    }

    func testBreakpoints() {
        XCTAssertEqual(ask("Z0,40080004,4"), "OK")
        XCTAssertEqual(ask("Z1,40080008,4"), "OK")
        let points = machine.cpus[0].externalDebug
        XCTAssertEqual(points.breakpoints, [0x4008_0004, 0x4008_0008])
        XCTAssertTrue(machine.cpus[0].debugArmed, "gdb's breakpoints arm the slow path")
        XCTAssertEqual(ask("z0,40080004,4"), "OK")
        XCTAssertEqual(points.breakpoints, [0x4008_0008])
        XCTAssertEqual(ask("Z2,40080000,4"), "OK")
        XCTAssertEqual(ask("Z3,40080000,8"), "OK")
        XCTAssertEqual(points.watchpoints, [.init(address: 0x4008_0000, length: 4, kind: .write),
                                            .init(address: 0x4008_0000, length: 8, kind: .read)])
        XCTAssertEqual(ask("z2,40080000,4"), "OK")
        XCTAssertEqual(points.watchpoints.count, 1)
        for bad in ["Z2,40080000,0", "Z4,ffffffffffffffff,2", "Z3,0,100000000"] { XCTAssertEqual(ask(bad), "E01", bad) }
        XCTAssertEqual(ask("Z5,40080000,4"), "", "other types: not supported")
        for a in 0..<20 { _ = ask("Z4,\(String(0x1000 * a, radix: 16)),4") }
        XCTAssertEqual(points.watchpoints.count, 16, "a few watchpoints, as hardware has")
        for a in 0..<5000 { _ = ask("Z0,\(String(a, radix: 16)),4") }
        XCTAssertEqual(points.breakpoints.count, 4096, "a flood of Z packets is bounded")
    }

    func testQueriesAndThreads() {
        XCTAssertEqual(ask("qSupported:multiprocess+;swbreak+"), "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;hwbreak+")
        XCTAssertEqual(ask("qAttached"), "1")
        XCTAssertEqual(ask("qC"), "QC1")
        XCTAssertEqual(ask("qfThreadInfo"), "m1")
        XCTAssertEqual(ask("qsThreadInfo"), "l")
        XCTAssertEqual(ask("qXfer:features:read:other.xml:0,10"), "E00")
        XCTAssertEqual(ask("qXfer:threads:read::0,10"), "")
        for ok in ["Hg0", "Hg1", "Hg-1", "Hc-1", "Hc0", "T1", "T01"] { XCTAssertEqual(ask(ok), "OK", ok) }
        XCTAssertEqual(ask("vMustReplyEmpty"), "")
        XCTAssertEqual(ask(""), "")
        XCTAssertFalse(stub.noAckMode)
        XCTAssertEqual(ask("QStartNoAckMode"), "OK")
        XCTAssertTrue(stub.noAckMode)
    }

    /// Reading target.xml in small pieces gives the whole document, then `l`.
    func testTargetXMLInPieces() {
        var document = ""
        var offset = 0
        while true {
            let r = ask("qXfer:features:read:target.xml:\(String(offset, radix: 16)),100")
            guard let kind = r.first else { return XCTFail("empty reply") }
            document += r.dropFirst()
            offset += r.count - 1
            if kind == "l" { break }
            XCTAssertEqual(kind, "m")
            XCTAssertEqual(r.count, 0x101)
        }
        XCTAssertTrue(document.hasPrefix("<?xml") && document.hasSuffix("</target>"))
        XCTAssertEqual(ask("qXfer:features:read:target.xml:\(String(offset, radix: 16)),100"), "l", "at the end")
        XCTAssertEqual(ask("qXfer:features:read:target.xml:\(String(offset + 1, radix: 16)),100"), "E01", "past the end")
    }

    func testResume() {
        let cpu = machine.cpus[0]
        XCTAssertEqual(ask("s"), "<step>")
        var (reply, end) = stub.resume(step: true, maxInstructions: nil)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "S05")
        XCTAssertNil(end)
        XCTAssertEqual(cpu.pc, Self.entry + 4)
        XCTAssertEqual(ask("c40080000"), "<continue>")
        XCTAssertEqual(cpu.pc, Self.entry)
        (reply, end) = stub.resume(step: false, maxInstructions: 100)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "X0f")
        XCTAssertEqual(end, .instructionLimit(100))
        XCTAssertEqual(ask("D"), "<detach>")
        XCTAssertEqual(ask("k"), "<kill>")
    }

    /// What the fuzz harness does, briefly: random bytes through the framer, and random packets
    /// built from the protocol's own characters through the stub. Passing means nothing trapped.
    func testMoreThreadsThanCPUsAreRefused() {
        XCTAssertEqual(ask("Hg2"), "E01")
        XCTAssertEqual(ask("qThreadExtraInfo,1"), hex("CPU 0 EL\(machine.cpus[0].el)"))
        XCTAssertEqual(ask("qThreadExtraInfo,2"), "E01")
        XCTAssertEqual(ask("qThreadExtraInfo,zz"), "E01")
    }

    func testRandomInputNeverTraps() {
        var rng = SplitMix64(seed: 0x6462)
        let alphabet = bytes("mMXpPgGZzcsHTqQvDk?0123456789abcdefABCDEF,:;=-+#$}*xX") + [0x03, 0x00, 0xFF]
        let prefixes = ["m", "M", "X", "p", "P", "G", "Z0,", "z1,", "H", "T", "qXfer:features:read:target.xml:", "qSupported:",
                        "qRcmd,", "qRcmd,7472616e736c61746520", "qThreadExtraInfo,", "vCont;", "vCont;s:"]
        var framer = GDBFramer(maxPacketSize: 64)
        for _ in 0..<20_000 {
            var p = bytes(prefixes[Int(rng.next() % UInt64(prefixes.count))])
            for _ in 0..<Int(rng.next() % 40) { p.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            _ = stub.respond(to: p)
            for case .packet(let q) in framer.feed(p) { _ = stub.respond(to: q) }
        }
        var noise = GDBFramer()
        for _ in 0..<1000 {
            let chunk = (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for case .packet(let q) in noise.feed(chunk) { _ = stub.respond(to: q) }
        }
    }
}

/// With --smp 2 each CPU is a thread: Hg picks whose registers gdb reads, and a stop names
/// the CPU that stopped.
final class GDBThreadTests: XCTestCase {
    var files: TempFiles!
    var machine: Machine!
    var stub: GDBStub!

    override func setUpWithError() throws {
        files = try TempFiles()
        var o = MachineOptions()
        o.board = .virt
        o.memorySize = 64 << 20
        o.cpuCount = 2
        let code: [UInt8] = [0x1F, 0x20, 0x03, 0xD5, 0x00, 0x00, 0x00, 0x14]
        let image = try files.write("gdb.elf", ELFBuilder(at: GDBStubTests.entry, code: code, memsz: 0x1000).bytes)
        let prepared = try MachineSetup.prepare(options: o, imagePath: image, dtbPath: nil, initrdPath: nil,
                                                loadAddress: nil, console: Console(capture: true))
        machine = Machine(prepared: prepared)
        stub = GDBStub(machine: machine)
    }

    func ask(_ packet: String) -> String {
        switch stub.respond(to: Array(packet.utf8)) {
        case .reply(let r): return String(decoding: r, as: UTF8.self)
        case .resume: return "<resume>"
        default: return "<not a reply>"
        }
    }

    func testOneThreadPerCPU() {
        XCTAssertEqual(ask("qfThreadInfo"), "m1,2")
        XCTAssertEqual(ask("?"), "T05thread:1;")
        XCTAssertEqual(ask("qC"), "QC1")
        XCTAssertEqual(ask("T2"), "OK")
        XCTAssertEqual(ask("T3"), "E01")
        machine.cpus[1].x[0] = 0x1122
        XCTAssertEqual(ask("Hg2"), "OK")
        XCTAssertEqual(ask("p0"), "2211000000000000", "CPU 1's x0")
        XCTAssertEqual(ask("qC"), "QC2")
        XCTAssertEqual(ask("Hg1"), "OK")
        XCTAssertNotEqual(ask("p0"), "2211000000000000", "CPU 0's x0 again")
        XCTAssertEqual(ask("Hg0"), "OK", "any thread: the selection stays")
        XCTAssertEqual(ask("Hg3"), "E01")
        let (reply, end) = stub.resume(step: true, maxInstructions: nil)
        XCTAssertNil(end)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "T05thread:1;", "CPU 0 ran the step (CPU 1 is off)")
    }

    /// vCont;s:N steps CPU N-1 alone, as gdb asks for `stepi` on thread N.
    func testVContStepsTheNamedCPU() {
        XCTAssertEqual(ask("vCont?"), "vCont;c;C;s;S")
        machine.firmware.online[1] = true
        let cpu0 = machine.cpus[0], cpu1 = machine.cpus[1]
        cpu1.pc = GDBStubTests.entry
        let pc0 = cpu0.pc
        XCTAssertEqual(ask("vCont;s:2;c"), "<resume>")
        var (reply, _) = stub.resume(step: true, maxInstructions: nil)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "T05thread:2;")
        XCTAssertEqual(cpu1.pc, GDBStubTests.entry + 4, "CPU 1 stepped")
        XCTAssertEqual(cpu0.pc, pc0, "CPU 0 waited")
        XCTAssertEqual(ask("qC"), "QC2", "the stop selects the CPU that stopped")
        XCTAssertEqual(ask("vCont;S05:1"), "<resume>")
        (reply, _) = stub.resume(step: true, maxInstructions: nil)
        XCTAssertEqual(String(decoding: reply, as: UTF8.self), "T05thread:1;")
        XCTAssertEqual(cpu0.pc, pc0 + 4)
        XCTAssertEqual(ask("vCont;c"), "<resume>")
        for bad in ["vCont;", "vCont;x", "vCont;s:3", "vCont;s:zz", "vCont;cc", "vCont;Czz", "vCont;s;"] {
            XCTAssertEqual(ask(bad), "E01", bad)
        }
        XCTAssertEqual(ask("vMustReplyEmpty"), "")
    }
}

/// A small seeded generator, so a failure repeats.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A guest that starts in AArch32 (a zImage at EL1) is shown to gdb as an arm target: r0-r15,
/// cpsr, d0-d31 and fpscr, 32-bit addresses, as QEMU shows `-cpu cortex-a15`.
final class GDBAArch32Tests: XCTestCase {
    var files: TempFiles!
    var machine: Machine!
    var stub: GDBStub!

    override func setUpWithError() throws {
        files = try TempFiles()
        var o = MachineOptions()
        o.board = .virt
        o.memorySize = 64 << 20
        o.startEL = 1
        // A zImage (booting.rst): mov r0, r0; b .; padding; magic at 0x24, start 0 (position
        // independent), end = its length.
        var words: [UInt32] = [0xE1A0_0000, 0xEAFF_FFFE] + Array(repeating: 0, count: 7)
        words += [0x016F_2818, 0, 0x30]
        let image = try files.write("zImage", words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
        let prepared = try MachineSetup.prepare(options: o, imagePath: image, dtbPath: nil, initrdPath: nil,
                                                loadAddress: nil, console: Console(capture: true))
        machine = Machine(prepared: prepared)
        stub = GDBStub(machine: machine)
    }

    func ask(_ packet: String) -> String {
        guard case .reply(let r) = stub.respond(to: Array(packet.utf8)) else { return "<not a reply>" }
        return String(decoding: r, as: UTF8.self)
    }

    func testArmLayout() {
        XCTAssertEqual(stub.layout, .arm)
        let xml = ask("qXfer:features:read:target.xml:0,3fff")
        XCTAssertTrue(xml.contains("<architecture>arm</architecture>"), xml)
        XCTAssertTrue(xml.contains("org.gnu.gdb.arm.core") && xml.contains("org.gnu.gdb.arm.vfp"), xml)
        XCTAssertEqual(ask("p1"), "ffffffff", "r1 = ~0 (the arm boot protocol)")
        XCTAssertEqual(ask("pf"), "00000140", "pc: the zImage at RAM base + 64 KiB")
        XCTAssertEqual(ask("p10"), "d3010000", "cpsr: SVC mode, A, I and F masked")
        XCTAssertEqual(ask("P5=78563412"), "OK")
        XCTAssertEqual(machine.cpus[0].debuggerR(5), 0x1234_5678)
        XCTAssertEqual(ask("P12=0807060504030201"), "OK", "d1")
        XCTAssertEqual(machine.cpus[0].vHigh(0), 0x0102_0304_0506_0708, "d1 is the high half of V0")
        let all = ask("g")
        XCTAssertEqual(all.count, 2 * (16 * 4 + 4 + 32 * 8 + 4))
        XCTAssertEqual(ask("G" + all), "OK")
        XCTAssertEqual(ask("g"), all)
        XCTAssertEqual(ask("p4a"), "E01", "there are 50 registers and 24 system registers")
        XCTAssertTrue(xml.contains("<feature name=\"org.armvm.gdb.arm.sysregs\">"), xml)
        for name in ["SCTLR", "TTBCR", "DACR", "DFSR", "IFSR", "DFAR", "IFAR", "VBAR", "HCR", "HSR", "HVBAR",
                     "ELR_hyp", "SPSR_hyp"] {
            XCTAssertTrue(xml.contains("<reg name=\"\(name)\" bitsize=\"32\" type=\"uint32\""), name)
        }
        for name in ["TTBR0", "TTBR1", "HTTBR", "VTTBR"] {
            XCTAssertTrue(xml.contains("<reg name=\"\(name)\" bitsize=\"64\" type=\"uint64\""), name)
        }
        // DFAR and IFAR are the two halves of FAR_EL1 (D1.20.2); the sysregs follow register 49.
        let cpu = machine.cpus[0]
        cpu.sysregs[SysReg.FAR_EL1] = 0x1111_2222_3333_4444
        XCTAssertEqual(ask("p39"), "44443333", "DFAR (register 57)")
        XCTAssertEqual(ask("p3a"), "22221111", "IFAR")
        XCTAssertEqual(ask("P3a=78563412"), "OK")
        XCTAssertEqual(cpu.sysregs[SysReg.FAR_EL1], 0x1234_5678_3333_4444, "IFAR writes only its half")
        XCTAssertEqual(ask("p32").count, 8, "SCTLR, 32 bits")
        XCTAssertEqual(ask("m40010004,4"), "feffffea", "memory at a 32-bit address")
    }
}
