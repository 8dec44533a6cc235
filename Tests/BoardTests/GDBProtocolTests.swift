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
