import XCTest
@testable import Board
import GIC

/// `--trace-filter` syntax, the JSON line format and the MMIO register names.
final class TraceFilterTests: XCTestCase {
    func testParsesEveryKeyAndRanges() throws {
        let f = try TraceFilter(parsing: "el=2,cpu=0-1,vmid=1,ec=0x16,insn=1000-5000")
        XCTAssertEqual(f.el, 2...2)
        XCTAssertEqual(f.cpu, 0...1)
        XCTAssertEqual(f.vmid, 1...1)
        XCTAssertEqual(f.ec, 0x16...0x16)
        XCTAssertEqual(f.insn, 1000...5000)
        XCTAssertEqual(try TraceFilter(parsing: "insn=0x10-").insn, 16...UInt64.max)
    }

    func testMalformedFiltersAreBadInput() {
        for bad in ["", "el", "el=4", "cpu=x", "insn=5-1", "cpu=1-", "ec=0x40", "colour=red", "el=1,,cpu=0", "=1"] {
            XCTAssertThrowsError(try TraceFilter(parsing: bad), bad) { e in
                XCTAssertTrue((e as? HostInputError)?.message.hasPrefix("malformed --trace-filter") ?? false, "\(bad): \(e)")
            }
        }
    }

    func testAdmitsByContext() throws {
        let f = try TraceFilter(parsing: "el=1,vmid=2,insn=100-200")
        XCTAssertTrue(f.admits(TraceContext(insn: 150, cpu: 0, el: 1, vmid: 2), ec: nil))
        XCTAssertFalse(f.admits(TraceContext(insn: 150, cpu: 0, el: 1, vmid: 1), ec: nil))
        XCTAssertFalse(f.admits(TraceContext(insn: 150, cpu: 0, el: 1, vmid: nil), ec: nil), "no VMID: no match")
        XCTAssertFalse(f.admits(TraceContext(insn: 201, cpu: 0, el: 1, vmid: 2), ec: nil))
        XCTAssertFalse(f.admits(TraceContext(insn: 150, cpu: 0, el: 2, vmid: nil), ec: nil))
        let byClass = try TraceFilter(parsing: "ec=0x16")
        XCTAssertTrue(byClass.admits(TraceContext(insn: 0, cpu: 0, el: 1, vmid: nil), ec: 0x16))
        XCTAssertFalse(byClass.admits(TraceContext(insn: 0, cpu: 0, el: 1, vmid: nil), ec: 0x17))
        XCTAssertFalse(byClass.admits(TraceContext(insn: 0, cpu: 0, el: 1, vmid: nil), ec: nil), "not an exception")
    }

    func testTextAndJSONLines() throws {
        var lines: [String] = []
        let c = TraceContext(insn: 42, cpu: 1, el: 1, vmid: 3)
        TraceSink(write: { lines.append($0) }).emit(c, kind: "irq-ack", "irq ack \"x\"", ["intid": .int(27), "value": .hex(0xff), "hw": .flag(true), "p": .none])
        XCTAssertEqual(lines, ["[42] cpu1 EL1 vm3: irq ack \"x\""])
        lines.removeAll()
        TraceSink(format: .json, write: { lines.append($0) }).emit(c, kind: "irq-ack", ec: 0x16, "irq ack \"x\"", ["intid": .int(27), "value": .hex(0xff), "hw": .flag(true), "p": .none])
        XCTAssertEqual(lines, [#"{"insn":42,"cpu":1,"el":1,"vmid":3,"kind":"irq-ack","text":"irq ack \"x\"","ec":22,"intid":27,"value":"0xff","hw":true,"p":null}"#])
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(object?["kind"] as? String, "irq-ack")
        lines.removeAll()
        TraceSink(format: .json, write: { lines.append($0) }).emit(TraceContext(insn: 1, cpu: 0, el: 2, vmid: nil), kind: "eret", "e")
        XCTAssertTrue(lines[0].contains(#""vmid":null"#), lines[0])
    }

    func testMMIORegisterNames() {
        let v2 = GICv2(spiCount: 64, cpuCount: 2)
        XCTAssertEqual(MMIOTrace.registerName(v2.distributor, offset: 0), "GICD_CTLR")
        XCTAssertEqual(MMIOTrace.registerName(v2.distributor, offset: 0x104), "GICD_ISENABLER1")
        XCTAssertEqual(MMIOTrace.registerName(v2.distributor, offset: 0xF00), "GICD_SGIR")
        XCTAssertEqual(MMIOTrace.registerName(v2.cpuInterface, offset: 0x0C), "GICC_IAR")
        XCTAssertEqual(MMIOTrace.registerName(v2.cpuInterface, offset: 0x1000), "GICC_DIR")
        XCTAssertEqual(MMIOTrace.registerName(v2.virtualCPUInterface, offset: 0x10), "GICV_EOIR")
        XCTAssertEqual(MMIOTrace.registerName(v2.virtualInterfaceControl, offset: 0x100), "GICH_LR0")
        XCTAssertEqual(MMIOTrace.registerName(v2.virtualInterfaceControl, offset: 0x10), "GICH_MISR")
        let v3 = GICv3(spiCount: 64, cpuCount: 2)
        XCTAssertEqual(MMIOTrace.registerName(v3.distributor, offset: 0x6100), "GICD_IROUTER32")
        XCTAssertEqual(MMIOTrace.registerName(v3.redistributors, offset: 0x2_0014), "GICR_WAKER (cpu1)")
        XCTAssertEqual(MMIOTrace.registerName(v3.redistributors, offset: 0x1_0100), "GICR_ISENABLER0 (cpu0)")
        XCTAssertNil(MMIOTrace.registerName(v3.redistributors, offset: 0x0800))
    }

    func testListRegisterFieldsAndMaintenanceCauses() {
        // HW, pending, group 1, priority 0xa0, pINTID 27, vINTID 27.
        let v: UInt64 = 1 << 62 | 1 << 61 | 1 << 60 | 0xA0 << 48 | 27 << 32 | 27
        let f = ListRegisterFields(v)
        XCTAssertEqual(f.virtualINTID, 27)
        XCTAssertEqual(f.stateName, "pending")
        XCTAssertEqual(f.physicalINTID, 27)
        XCTAssertTrue(f.hardware && f.group1)
        XCTAssertEqual(f.priority, 0xA0)
        XCTAssertEqual(ListRegisterFields.maintenanceCauses(0b1001), ["EOI", "NP"])
    }
}

/// PSCI calls are named in exception traces and the timeline.
final class PSCINameTests: XCTestCase {
    func testFunctionIDs() {
        XCTAssertEqual(PSCIFunction.name(0x8400_0008), "PSCI SYSTEM_OFF")
        XCTAssertEqual(PSCIFunction.name(0xC400_0003), "PSCI CPU_ON (SMC64)")
        XCTAssertEqual(PSCIFunction.name(0x8400_0000), "PSCI_VERSION")
        XCTAssertNil(PSCIFunction.name(0xC400_0008), "SYSTEM_OFF has no SMC64 form")
        XCTAssertNil(PSCIFunction.name(18))
    }
}
