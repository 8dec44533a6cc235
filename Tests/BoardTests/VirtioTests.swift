@testable import Board
import Bus
import GIC
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Drives the virtio-mmio transport as a driver would, with rings built by hand in guest RAM.
final class VirtioTests: XCTestCase {
    static let ramBase: UInt64 = 0x4000_0000
    // Where the test driver keeps its queue: table, available ring, used ring, then buffers.
    static let table: UInt64 = ramBase + 0x1000
    static let avail: UInt64 = ramBase + 0x2000
    static let used: UInt64 = ramBase + 0x3000
    static let buffers: UInt64 = ramBase + 0x10000
    static let queueSize: UInt16 = 8
    /// Queue q's table and rings sit 0x400 after queue q - 1's.
    static func queueShift(_ q: Int) -> UInt64 { UInt64(q) * 0x400 }

    /// A transport with its interrupt line, over 1 MiB of RAM.
    final class Rig {
        let bus = PhysicalAddressSpace(ramBase: VirtioTests.ramBase, ramSize: 1 << 20)!
        var level = false
        var transport: VirtioMMIO!
        var availIdx: [Int: UInt16] = [:]

        init(_ backend: VirtioBackend) {
            transport = VirtioMMIO(name: "virtio0", backend: backend, bus: bus,
                                   interrupt: InterruptLine { [unowned self] in self.level = $0 })
        }

        func reg(_ offset: UInt64) -> UInt32 { UInt32(transport.read(offset: offset, size: 4) ?? 0xDEAD) }
        func set(_ offset: UInt64, _ v: UInt32) { XCTAssertTrue(transport.write(offset: offset, size: 4, value: UInt64(v))) }
        func put(_ pa: UInt64, _ size: Int, _ v: UInt64) { XCTAssertTrue(bus.write(pa, size: size, value: v)) }
        func get(_ pa: UInt64, _ size: Int) -> UInt64 { bus.read(pa, size: size) ?? 0xDEAD }
        func bytes(_ pa: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(get(pa + UInt64($0), 1)) } }
        func fill(_ pa: UInt64, _ b: [UInt8]) { for (i, v) in b.enumerated() { put(pa + UInt64(i), 1, UInt64(v)) } }

        /// The driver's start-up (3.1.1): features (VERSION_1 plus `extra`), then every queue
        /// at the same addresses (the tests use one queue at a time), then DRIVER_OK.
        func start(extra: UInt64 = 0, queues: [Int] = [0]) {
            set(VirtioMMIO.Status, 0)
            set(VirtioMMIO.Status, VirtioMMIO.ACKNOWLEDGE | VirtioMMIO.DRIVER)
            let f = VirtioMMIO.F_VERSION_1 | extra
            set(VirtioMMIO.DriverFeaturesSel, 0); set(VirtioMMIO.DriverFeatures, UInt32(truncatingIfNeeded: f))
            set(VirtioMMIO.DriverFeaturesSel, 1); set(VirtioMMIO.DriverFeatures, UInt32(truncatingIfNeeded: f >> 32))
            set(VirtioMMIO.Status, VirtioMMIO.ACKNOWLEDGE | VirtioMMIO.DRIVER | VirtioMMIO.FEATURES_OK)
            XCTAssertNotEqual(reg(VirtioMMIO.Status) & VirtioMMIO.FEATURES_OK, 0)
            for q in queues {
                let shift = VirtioTests.queueShift(q)
                set(VirtioMMIO.QueueSel, UInt32(q))
                set(VirtioMMIO.QueueNum, UInt32(VirtioTests.queueSize))
                set(VirtioMMIO.QueueDescLow, UInt32(truncatingIfNeeded: VirtioTests.table + shift)); set(VirtioMMIO.QueueDescHigh, 0)
                set(VirtioMMIO.QueueDriverLow, UInt32(truncatingIfNeeded: VirtioTests.avail + shift)); set(VirtioMMIO.QueueDriverHigh, 0)
                set(VirtioMMIO.QueueDeviceLow, UInt32(truncatingIfNeeded: VirtioTests.used + shift)); set(VirtioMMIO.QueueDeviceHigh, 0)
                set(VirtioMMIO.QueueReady, 1)
                XCTAssertEqual(reg(VirtioMMIO.QueueReady), 1)
            }
            set(VirtioMMIO.Status, VirtioMMIO.ACKNOWLEDGE | VirtioMMIO.DRIVER | VirtioMMIO.FEATURES_OK | VirtioMMIO.DRIVER_OK)
        }

        /// Descriptor `i`: address, length, flags, next.
        func descriptor(_ i: UInt16, _ addr: UInt64, _ len: UInt32, _ flags: UInt16, next: UInt16 = 0, table: UInt64 = VirtioTests.table) {
            let d = table + UInt64(i) * 16
            put(d, 8, addr); put(d + 8, 4, UInt64(len)); put(d + 12, 2, UInt64(flags)); put(d + 14, 2, UInt64(next))
        }

        /// Makes chain `head` available on queue `q`, and notifies it unless told not to.
        func submit(_ head: UInt16, queue q: Int = 0, notify: Bool = true) {
            let avail = VirtioTests.avail + VirtioTests.queueShift(q)
            let idx = availIdx[q, default: 0]
            put(avail + 4 + 2 * UInt64(idx % VirtioTests.queueSize), 2, UInt64(head))
            availIdx[q] = idx &+ 1
            put(avail + 2, 2, UInt64(idx &+ 1))
            if notify { set(VirtioMMIO.QueueNotify, UInt32(q)) }
        }

        var usedIdx: UInt16 { UInt16(get(VirtioTests.used + 2, 2)) }
        func usedElement(_ n: Int, queue q: Int = 0) -> (id: UInt32, len: UInt32) {
            let e = VirtioTests.used + VirtioTests.queueShift(q) + 4 + 8 * UInt64(n)
            return (UInt32(get(e, 4)), UInt32(get(e + 4, 4)))
        }
        var needsReset: Bool { reg(VirtioMMIO.Status) & VirtioMMIO.DEVICE_NEEDS_RESET != 0 }
    }

    let files = try! TempFiles()

    func disk(_ bytes: [UInt8], readOnly: Bool = false, snapshot: Bool = false) throws -> (VirtioBlock, String) {
        let path = try files.write("disk-\(UUID().uuidString).img", bytes)
        let image = try DiskImage(DiskImage.Spec(path: path, readOnly: readOnly, snapshot: snapshot))
        return (VirtioBlock(disk: image, serial: "armvm-drive0"), path)
    }

    /// A 4-sector image whose sector n is filled with n + 1.
    var image: [UInt8] { (0..<4).flatMap { [UInt8](repeating: UInt8($0 + 1), count: 512) } }

    /// One block request: header at buffers, data at buffers + 0x1000, status at buffers + 0x100.
    func request(_ rig: Rig, type: UInt32, sector: UInt64, length: UInt32, deviceWrites: Bool) -> UInt8 {
        let b = Self.buffers
        rig.put(b, 4, UInt64(type)); rig.put(b + 4, 4, 0); rig.put(b + 8, 8, sector)
        rig.put(b + 0x100, 1, 0xFF)
        rig.descriptor(0, b, 16, VirtQueue.F_NEXT, next: 1)
        rig.descriptor(1, b + 0x1000, length, VirtQueue.F_NEXT | (deviceWrites ? VirtQueue.F_WRITE : 0), next: 2)
        rig.descriptor(2, b + 0x100, 1, VirtQueue.F_WRITE)
        rig.submit(0)
        return UInt8(rig.get(b + 0x100, 1))
    }

    // MARK: Transport

    func testIdentificationAndFeatureNegotiation() throws {
        let (blk, _) = try disk(image, readOnly: true)
        let rig = Rig(blk)
        XCTAssertEqual(rig.reg(VirtioMMIO.MagicValue), 0x7472_6976)
        XCTAssertEqual(rig.reg(VirtioMMIO.Version), 2)
        XCTAssertEqual(rig.reg(VirtioMMIO.DeviceID), 2)
        XCTAssertEqual(rig.reg(VirtioMMIO.VendorID), 0x554D_4551)
        rig.set(VirtioMMIO.DeviceFeaturesSel, 0)
        let low = rig.reg(VirtioMMIO.DeviceFeatures)
        XCTAssertNotEqual(low & UInt32(VirtioBlock.F_RO), 0, "a readonly drive says so")
        XCTAssertNotEqual(low & UInt32(VirtioBlock.F_FLUSH), 0)
        XCTAssertNotEqual(low & UInt32(VirtioMMIO.F_INDIRECT_DESC), 0)
        rig.set(VirtioMMIO.DeviceFeaturesSel, 1)
        XCTAssertEqual(rig.reg(VirtioMMIO.DeviceFeatures) & 1, 1, "VIRTIO_F_VERSION_1")
        // Capacity in the configuration space, read as two words and as one doubleword.
        XCTAssertEqual(rig.transport.read(offset: 0x100, size: 8), 4)
        XCTAssertEqual(rig.reg(0x100), 4)
        XCTAssertEqual(rig.reg(0x104), 0)
        // A legacy driver (no VERSION_1) does not get FEATURES_OK.
        rig.set(VirtioMMIO.Status, VirtioMMIO.ACKNOWLEDGE | VirtioMMIO.DRIVER)
        rig.set(VirtioMMIO.Status, VirtioMMIO.ACKNOWLEDGE | VirtioMMIO.DRIVER | VirtioMMIO.FEATURES_OK)
        XCTAssertEqual(rig.reg(VirtioMMIO.Status) & VirtioMMIO.FEATURES_OK, 0)
        // Registers take word accesses only.
        XCTAssertNil(rig.transport.read(offset: 0, size: 2))
        XCTAssertEqual(rig.reg(VirtioMMIO.QueueNumMax), 256)
    }

    // MARK: Block

    func testBlockReadsAndWritesTheFile() throws {
        let (blk, path) = try disk(image)
        let rig = Rig(blk)
        rig.start()
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: 2, length: 512, deviceWrites: true), VirtioBlock.S_OK)
        XCTAssertEqual(rig.bytes(Self.buffers + 0x1000, 512), [UInt8](repeating: 3, count: 512))
        XCTAssertEqual(rig.usedIdx, 1)
        XCTAssertEqual(rig.usedElement(0).id, 0)
        XCTAssertEqual(rig.usedElement(0).len, 513, "data and status byte written")
        XCTAssertTrue(rig.level, "used-buffer interrupt")
        XCTAssertEqual(rig.reg(VirtioMMIO.InterruptStatus), 1)
        rig.set(VirtioMMIO.InterruptACK, 1)
        XCTAssertFalse(rig.level)

        rig.fill(Self.buffers + 0x1000, [UInt8](repeating: 0xAB, count: 1024))
        XCTAssertEqual(request(rig, type: VirtioBlock.T_OUT, sector: 1, length: 1024, deviceWrites: false), VirtioBlock.S_OK)
        XCTAssertEqual(request(rig, type: VirtioBlock.T_FLUSH, sector: 0, length: 0, deviceWrites: false), VirtioBlock.S_OK)
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(file[512..<1536]), [UInt8](repeating: 0xAB, count: 1024))
        XCTAssertEqual(Array(file[0..<512]), [UInt8](repeating: 1, count: 512))
    }

    func testBlockRefusesWhatItCannotDo() throws {
        let (blk, path) = try disk(image, readOnly: true)
        let rig = Rig(blk)
        rig.start()
        XCTAssertEqual(request(rig, type: VirtioBlock.T_OUT, sector: 0, length: 512, deviceWrites: false), VirtioBlock.S_IOERR, "readonly")
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: 4, length: 512, deviceWrites: true), VirtioBlock.S_IOERR, "past the end")
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: UInt64.max / 256, length: 512, deviceWrites: true), VirtioBlock.S_IOERR, "offset overflows")
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: 0, length: 100, deviceWrites: true), VirtioBlock.S_IOERR, "not whole sectors")
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: 0, length: 512, deviceWrites: false), VirtioBlock.S_IOERR, "IN into a device-readable buffer")
        XCTAssertEqual(request(rig, type: 77, sector: 0, length: 0, deviceWrites: false), VirtioBlock.S_UNSUPP)
        XCTAssertFalse(rig.needsReset)
        XCTAssertEqual(rig.usedIdx, 6)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), image)
    }

    func testSnapshotKeepsWritesInMemory() throws {
        let (blk, path) = try disk(image, snapshot: true)
        let rig = Rig(blk)
        rig.start()
        rig.fill(Self.buffers + 0x1000, [UInt8](repeating: 0x5A, count: 512))
        XCTAssertEqual(request(rig, type: VirtioBlock.T_OUT, sector: 3, length: 512, deviceWrites: false), VirtioBlock.S_OK)
        rig.fill(Self.buffers + 0x1000, [UInt8](repeating: 0, count: 1024))
        XCTAssertEqual(request(rig, type: VirtioBlock.T_IN, sector: 2, length: 1024, deviceWrites: true), VirtioBlock.S_OK)
        XCTAssertEqual(rig.bytes(Self.buffers + 0x1000, 1024), [UInt8](repeating: 3, count: 512) + [UInt8](repeating: 0x5A, count: 512))
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), image, "the file is untouched")
    }

    func testGetIDAndIndirectDescriptors() throws {
        let (blk, _) = try disk(image)
        let rig = Rig(blk)
        rig.start(extra: VirtioMMIO.F_INDIRECT_DESC)
        let b = Self.buffers, indirect = Self.ramBase + 0x8000
        rig.put(b, 4, UInt64(VirtioBlock.T_GET_ID)); rig.put(b + 8, 8, 0)
        rig.descriptor(0, b, 16, VirtQueue.F_NEXT, next: 1, table: indirect)
        rig.descriptor(1, b + 0x1000, 20, VirtQueue.F_NEXT | VirtQueue.F_WRITE, next: 2, table: indirect)
        rig.descriptor(2, b + 0x100, 1, VirtQueue.F_WRITE, table: indirect)
        rig.descriptor(5, indirect, 48, VirtQueue.F_INDIRECT)
        rig.submit(5)
        XCTAssertEqual(rig.get(b + 0x100, 1), UInt64(VirtioBlock.S_OK))
        XCTAssertEqual(String(decoding: rig.bytes(b + 0x1000, 12), as: UTF8.self), "armvm-drive0")
        XCTAssertEqual(rig.bytes(b + 0x1000 + 12, 8), [UInt8](repeating: 0, count: 8))
        XCTAssertEqual(rig.usedElement(0).id, 5)
        XCTAssertEqual(rig.usedElement(0).len, 21)
    }

    func testEventIndexSuppressesInterrupts() throws {
        let (blk, _) = try disk(image)
        let rig = Rig(blk)
        rig.start(extra: VirtioMMIO.F_EVENT_IDX)
        // used_event (after the ring) = 5: no interrupt until used.idx passes 5.
        rig.put(Self.avail + 4 + 2 * UInt64(Self.queueSize), 2, 5)
        XCTAssertEqual(request(rig, type: VirtioBlock.T_FLUSH, sector: 0, length: 0, deviceWrites: false), VirtioBlock.S_OK)
        XCTAssertFalse(rig.level)
        // avail_event (after the used ring) tells the driver the next entry the device reads.
        XCTAssertEqual(rig.get(Self.used + 4 + 8 * UInt64(Self.queueSize), 2), 1)
        rig.put(Self.avail + 4 + 2 * UInt64(Self.queueSize), 2, 1)
        XCTAssertEqual(request(rig, type: VirtioBlock.T_FLUSH, sector: 0, length: 0, deviceWrites: false), VirtioBlock.S_OK)
        XCTAssertTrue(rig.level)
    }

    // MARK: Malicious rings: each is a guest error, never a host fault

    func assertNeedsReset(_ rig: Rig, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(rig.needsReset, what, file: file, line: line)
        XCTAssertNotEqual(rig.reg(VirtioMMIO.InterruptStatus) & VirtioMMIO.configChangeInterrupt, 0, what, file: file, line: line)
        XCTAssertTrue(rig.level, what, file: file, line: line)
        // The driver's reset brings the device back.
        rig.set(VirtioMMIO.Status, 0)
        XCTAssertFalse(rig.needsReset, file: file, line: line)
        XCTAssertFalse(rig.level, file: file, line: line)
    }

    func testMaliciousDescriptorsSetDeviceNeedsReset() throws {
        let b = Self.buffers
        let cases: [(String, (Rig) -> Void)] = [
            ("a chain that loops", { r in
                r.descriptor(0, b, 16, VirtQueue.F_NEXT, next: 1)
                r.descriptor(1, b, 16, VirtQueue.F_NEXT, next: 0)
                r.submit(0) }),
            ("a buffer outside RAM", { r in
                r.descriptor(0, 0x1000, 16, VirtQueue.F_WRITE)
                r.submit(0) }),
            ("a buffer that runs off the end of RAM", { r in
                r.descriptor(0, VirtioTests.ramBase + (1 << 20) - 8, 16, VirtQueue.F_WRITE)
                r.submit(0) }),
            ("an address that wraps", { r in
                r.descriptor(0, UInt64.max - 4, 16, VirtQueue.F_WRITE)
                r.submit(0) }),
            ("a next index past the table", { r in
                r.descriptor(0, b, 16, VirtQueue.F_NEXT, next: 200)
                r.submit(0) }),
            ("a head index past the table", { r in r.submit(9) }),
            ("lengths that add up past 4 GiB", { r in
                r.descriptor(0, b, 0xFFFF_FFFF, VirtQueue.F_NEXT, next: 1)
                r.submit(0) }),
            ("an indirect table inside an indirect table", { r in
                let t = VirtioTests.ramBase + 0x8000
                r.descriptor(0, t, 16, VirtQueue.F_INDIRECT, table: t)
                r.descriptor(0, t, 16, VirtQueue.F_INDIRECT)
                r.submit(0) }),
            ("an indirect table of odd length", { r in
                r.descriptor(0, VirtioTests.ramBase + 0x8000, 20, VirtQueue.F_INDIRECT)
                r.submit(0) }),
            ("an indirect chain that loops", { r in
                let t = VirtioTests.ramBase + 0x8000
                r.descriptor(0, b, 16, VirtQueue.F_NEXT, next: 1, table: t)
                r.descriptor(1, b, 16, VirtQueue.F_NEXT, next: 0, table: t)
                r.descriptor(0, t, 32, VirtQueue.F_INDIRECT)
                r.submit(0) }),
            ("avail.idx far ahead of the device", { r in
                r.put(VirtioTests.avail + 2, 2, 1000)
                r.set(VirtioMMIO.QueueNotify, 0) }),
            ("a block request with no status byte", { r in
                r.descriptor(0, b, 16, 0)
                r.submit(0) }),
        ]
        for (what, make) in cases {
            let (blk, path) = try disk(image)
            let rig = Rig(blk)
            rig.start()
            make(rig)
            assertNeedsReset(rig, what)
            XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), image, what)
        }
    }

    func testQueueOutsideRAMIsRefused() throws {
        let (blk, _) = try disk(image)
        let rig = Rig(blk)
        rig.set(VirtioMMIO.QueueSel, 0)
        rig.set(VirtioMMIO.QueueNum, 8)
        rig.set(VirtioMMIO.QueueDescLow, 0x1000)
        rig.set(VirtioMMIO.QueueReady, 1)
        XCTAssertEqual(rig.reg(VirtioMMIO.QueueReady), 0)
        XCTAssertTrue(rig.needsReset)
        // A size that is not a power of 2 is refused the same way.
        let (blk2, _) = try disk(image)
        let rig2 = Rig(blk2)
        rig2.set(VirtioMMIO.QueueNum, 6)
        rig2.set(VirtioMMIO.QueueDescLow, UInt32(truncatingIfNeeded: Self.table))
        rig2.set(VirtioMMIO.QueueDriverLow, UInt32(truncatingIfNeeded: Self.avail))
        rig2.set(VirtioMMIO.QueueDeviceLow, UInt32(truncatingIfNeeded: Self.used))
        rig2.set(VirtioMMIO.QueueReady, 1)
        XCTAssertEqual(rig2.reg(VirtioMMIO.QueueReady), 0)
        // Notifying a queue that does not exist does nothing.
        rig2.set(VirtioMMIO.QueueNotify, 7)
    }

    // MARK: Console and entropy

    func testConsoleTransmitsAndReceives() {
        let console = Console(capture: true)
        let port = VirtioConsole(console: console)
        let rig = Rig(port)
        port.transport = rig.transport
        XCTAssertFalse(port.receiverEnabled)
        rig.start(queues: [0, 1])
        XCTAssertTrue(port.receiverEnabled)
        XCTAssertFalse(port.canReceive, "no receive buffer posted yet")
        // Transmit (queue 1) "hi\n".
        rig.fill(Self.buffers, Array("hi\n".utf8))
        rig.descriptor(0, Self.buffers, 3, 0, table: Self.table + Self.queueShift(1))
        rig.submit(0, queue: 1)
        XCTAssertEqual(console.capturedText, "hi\n")
        XCTAssertEqual(rig.usedElement(0, queue: 1).len, 0)
        // Receive (queue 0): post a 4-byte buffer (a driver does not notify for it), offer one character.
        rig.descriptor(0, Self.buffers + 0x100, 4, VirtQueue.F_WRITE)
        rig.submit(0, queue: 0, notify: false)
        XCTAssertTrue(port.canReceive)
        port.receive(UInt8(ascii: "x"))
        XCTAssertEqual(rig.get(Self.buffers + 0x100, 1), UInt64(UInt8(ascii: "x")))
        XCTAssertEqual(rig.usedElement(0).len, 1)
        XCTAssertTrue(rig.level)
        XCTAssertFalse(port.canReceive)
    }

    func testRNGIsSeededAndDeterministic() {
        func draw(_ seed: UInt64) -> [UInt8] {
            let rig = Rig(VirtioRNG(seed: seed))
            rig.start()
            rig.descriptor(0, Self.buffers, 37, VirtQueue.F_WRITE)
            rig.submit(0)
            XCTAssertEqual(rig.usedElement(0).len, 37)
            return rig.bytes(Self.buffers, 37)
        }
        XCTAssertEqual(draw(1), draw(1))
        XCTAssertNotEqual(draw(1), draw(2))
        XCTAssertNotEqual(draw(1), [UInt8](repeating: 0, count: 37))
    }

    // MARK: Options and the device tree

    func testDriveSpecParsing() throws {
        XCTAssertEqual(try DiskImage.Spec.parse("a.img"), DiskImage.Spec(path: "a.img"))
        XCTAssertEqual(try DiskImage.Spec.parse("a.img,readonly,snapshot"), DiskImage.Spec(path: "a.img", readOnly: true, snapshot: true))
        XCTAssertThrowsError(try DiskImage.Spec.parse("a.img,fast"))
        XCTAssertThrowsError(try DiskImage.Spec.parse(",readonly"))
        XCTAssertThrowsError(try DiskImage(DiskImage.Spec(path: files.path("missing.img"))))
        XCTAssertThrowsError(try DiskImage(DiskImage.Spec(path: files.directory.path)))
        XCTAssertThrowsError(try DiskImage(DiskImage.Spec(path: try files.write("tiny.img", [1, 2, 3]))))
    }

    func testDeviceTreeDescribesTheTransports() throws {
        for (board, base, spi) in [(BoardKind.virt, UInt64(0x0A00_0000), UInt32(16)), (.arndale, 0x3F00_0000, 224)] {
            var o = MachineOptions()
            o.board = board
            o.drives = [DiskImage.Spec(path: "a"), DiskImage.Spec(path: "b")]
            o.virtioRNG = true
            let dt = FDTReader(blob: try DeviceTreeBuilder.build(layout: board.layout, options: o, initrd: nil))
            for n in 0..<3 {
                let at = base + UInt64(n) * 0x200
                let path = "/virtio_mmio@" + String(at, radix: 16)
                XCTAssertEqual(dt.string(path, "compatible"), "virtio,mmio")
                XCTAssertEqual(dt.reg64(path)?.first?.0, at)
                XCTAssertEqual(dt.reg64(path)?.first?.1, 0x200)
                XCTAssertEqual(dt.cells(path, "interrupts"), [0, spi + UInt32(n), 1])
                XCTAssertNotNil(dt.property(path, "dma-coherent"))
            }
            XCTAssertFalse(dt.exists("/virtio_mmio@" + String(base + 0x600, radix: 16)))
        }
    }

    func testNUMATopologyInTheDeviceTree() throws {
        var o = MachineOptions()
        o.board = .virt
        o.memorySize = 1 << 30
        o.cpuCount = 4
        var numa = NUMATopology()
        try numa.add("node,mem=256M,cpus=0-1")
        try numa.add("node,mem=768M,cpus=2-3")
        try numa.add("dist,src=0,dst=1,val=30")
        o.numa = numa
        try MachineSetup.validate(o)
        let dt = FDTReader(blob: try DeviceTreeBuilder.build(layout: o.board.layout, options: o, initrd: nil))
        XCTAssertEqual(dt.cells("/cpus/cpu@0", "numa-node-id"), [0])
        XCTAssertEqual(dt.cells("/cpus/cpu@3", "numa-node-id"), [1])
        XCTAssertEqual(dt.reg64("/memory@40000000")?.first?.1, 256 << 20)
        XCTAssertEqual(dt.cells("/memory@40000000", "numa-node-id"), [0])
        XCTAssertEqual(dt.reg64("/memory@50000000")?.first?.1, 768 << 20)
        XCTAssertEqual(dt.cells("/memory@50000000", "numa-node-id"), [1])
        XCTAssertEqual(dt.string("/distance-map", "compatible"), "numa-distance-map-v1")
        XCTAssertEqual(dt.cells("/distance-map", "distance-matrix"), [0, 0, 10, 0, 1, 30, 1, 0, 30, 1, 1, 10])
    }

    func testNUMAValidationErrors() throws {
        func error(_ specs: [String], memory: UInt64 = 1 << 30, cpus: Int = 2) -> String? {
            var numa = NUMATopology()
            do {
                for s in specs { try numa.add(s) }
                try numa.validate(memorySize: memory, cpuCount: cpus)
                return nil
            } catch let e as HostInputError { return e.message } catch { return "\(error)" }
        }
        XCTAssertNil(error(["node,mem=512M,cpus=0", "node,mem=512M,cpus=1"]))
        XCTAssertEqual(error(["node,mem=512M,cpus=0", "node,mem=256M,cpus=1"]),
                       "--numa nodes hold 768 MiB of memory but --memory is 1 GiB; the sizes must add up to it")
        XCTAssertEqual(error(["node,mem=512M,cpus=0-2", "node,mem=512M,cpus=1"]),
                       "--numa node 0: cpus=0-2 names CPU 2, but --smp 2 has CPUs 0-1")
        XCTAssertEqual(error(["node,mem=1G,cpus=0"]), "--numa: CPU 1 is in no node; every CPU of --smp 2 needs one")
        XCTAssertEqual(error(["node,mem=512M,cpus=0-1", "node,mem=512M,cpus=1"]), "--numa: CPU 1 is in node 0 and node 1")
        XCTAssertEqual(error(["node,mem=512M,cpus=0", "node,mem=512M,cpus=1", "dist,src=0,dst=2,val=20"]),
                       "--numa dist,src=0,dst=2: there are only nodes 0-1")
        XCTAssertNotNil(error(["dist,src=0,dst=0,val=20"]))
        XCTAssertNotNil(error(["dist,src=0,dst=1,val=5"]))
        XCTAssertNotNil(error(["node,mem=1G"]))
        XCTAssertNotNil(error(["node,mem=1G,cpus=1-0"]))
        XCTAssertNotNil(error(["node,mem=1G,cpus=0,colour=red"]))
        XCTAssertNotNil(error(["socket,id=0"]))
    }
}

extension VirtioTests {
    /// Transports 0x200 apart share a 4 KiB page of the bus: each must answer for its own window.
    func testTransportsSharingAPageEachAnswer() throws {
        var o = MachineOptions()
        o.board = .virt
        o.drives = [DiskImage.Spec(path: try files.write("d.img", image), readOnly: true)]
        o.virtioConsole = true
        o.virtioRNG = true
        let bus = PhysicalAddressSpace(ramBase: Self.ramBase, ramSize: 1 << 20)!
        let gic = GICv2(spiCount: 256, cpuCount: 1)
        let transports = try MachineSetup.wireVirtio(bus: bus, layout: o.board.layout, options: o,
                                                     console: Console(capture: true), gic: gic)
        XCTAssertEqual(transports.count, 3)
        for (n, id) in [2, 3, 4].enumerated() {
            let base = 0x0A00_0000 + UInt64(n) * 0x200
            XCTAssertEqual(bus.read(base, size: 4), 0x7472_6976)
            XCTAssertEqual(bus.read(base + 8, size: 4), UInt64(id))
        }
        XCTAssertNil(bus.read(0x0A00_0600, size: 4), "past the last transport in use")
        XCTAssertNil(bus.read(0x0A00_1000, size: 4))
    }
}

extension VirtioTests {
    /// With --virtio-console, stdin reaches the port by ConsoleInput's rule: one character per
    /// period, each in a receive buffer of its own, only while the driver has one posted.
    func testConsoleInputFeedsTheVirtioConsole() {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        _ = "ok".withCString { write(fds[1], $0, 2) }
        close(fds[1])
        defer { close(fds[0]) }
        let input = ConsoleInput(fd: fds[0], mode: .stream)
        let port = VirtioConsole(console: Console(capture: true))
        let rig = Rig(port)
        port.transport = rig.transport
        input.receiver = port
        let t = ConsoleInput.characterNanos
        input.service(now: 0)
        XCTAssertNil(input.nextDeadline(), "no driver yet: no input wanted")
        rig.start(queues: [0, 1])
        for i: UInt16 in 0..<2 {
            rig.descriptor(i, Self.buffers + 0x100 * UInt64(i), 16, VirtQueue.F_WRITE)
            rig.submit(i, queue: 0, notify: false)
        }
        input.service(now: t)                                   // first seen enabled: no byte yet
        XCTAssertEqual(rig.usedIdx, 0)
        input.service(now: 2 * t)
        input.service(now: 3 * t)
        XCTAssertEqual(rig.usedIdx, 2)
        XCTAssertEqual(rig.get(Self.buffers, 1), UInt64(UInt8(ascii: "o")))
        XCTAssertEqual(rig.get(Self.buffers + 0x100, 1), UInt64(UInt8(ascii: "k")))
        XCTAssertEqual(rig.usedElement(1).len, 1)
    }
}
