import TestManifest
import XCTest

/// The manifest reader: what a row becomes, and one located error for each kind of mistake.
final class ManifestParserTests: XCTestCase {
    let files = ["out.txt": "Hello\n", "lines.txt": "first\n\nsecond\n", "empty.txt": ""]

    func parse(_ text: String, path: String = "dir/m.txt") throws -> Manifest {
        try Manifest.parse(text, path: path) { self.files[$0] }
    }

    func assertError(_ text: String, line: Int, _ fragment: String, file: StaticString = #filePath, at: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: at) { e in
            guard let e = e as? ManifestError else { return XCTFail("not a ManifestError: \(e)", file: file, line: at) }
            XCTAssertEqual(e.file, "dir/m.txt", file: file, line: at)
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: at)
            XCTAssertTrue(e.message.contains(fragment), "\(e) should say \(fragment)", file: file, line: at)
            XCTAssertFalse(e.description.contains("\n"), "one line", file: file, line: at)
        }
    }

    func testRowsDefaultsAndArguments() throws {
        let m = try parse("""
        # a comment
        armvm-manifest 1

        defaults board=virt timeout=5 max-instructions=1G -- --el 1
        a image=x.elf output=out.txt
        b board=arndale image=y.elf guest=g.elf guest=h.elf,bootargs=spin module=k,kind=kernel \\
          status=3 timeout=2.5 max-instructions=1_000 -- --gic 3 --append "two words"
        c image=z.elf lines=lines.txt expect="and \\"quoted\\"" skip=later
        """)
        XCTAssertEqual(m.directory, "dir")
        XCTAssertEqual(m.rows.map(\.name), ["a", "b", "c"])
        let a = m.rows[0], b = m.rows[1], c = m.rows[2]
        XCTAssertEqual(a.line, 5)
        XCTAssertEqual(a.board, "virt")
        XCTAssertEqual(a.timeout, 5)
        XCTAssertEqual(a.maxInstructions, 1_000_000_000)
        XCTAssertEqual(a.expected, .exact(file: "out.txt"))
        XCTAssertEqual(a.runArguments, ["run", "--board", "virt", "--el", "1", "x.elf"])
        XCTAssertEqual(b.line, 6)
        XCTAssertEqual(b.status, 3)
        XCTAssertEqual(b.timeout, 2.5)
        XCTAssertEqual(b.maxInstructions, 1000)
        XCTAssertEqual(b.runArguments, ["run", "--board", "arndale", "--guest", "g.elf", "--guest", "h.elf,bootargs=spin",
                                        "--module", "k,kind=kernel", "--el", "1", "--gic", "3", "--append", "two words", "y.elf"])
        XCTAssertEqual(c.expected, .linesInOrder(["first", "second", "and \"quoted\""], file: "lines.txt"))
        XCTAssertEqual(c.skip, "later")
        XCTAssertEqual(c.status, 0)
    }

    func testCRLFManifest() throws {
        let m = try parse("armvm-manifest 1\r\na image=x.elf \\\r\n  needs=big.bin needs=other\r\n")
        XCTAssertEqual(m.rows.map(\.name), ["a"])
        XCTAssertEqual(m.rows[0].needs, ["big.bin", "other"])
    }

    func testBuiltInDefaults() throws {
        let r = try parse("armvm-manifest 1\nr image=i\n").rows[0]
        XCTAssertNil(r.board)
        XCTAssertEqual(r.timeout, Manifest.defaultTimeout)
        XCTAssertEqual(r.maxInstructions, Manifest.defaultMaxInstructions)
        XCTAssertEqual(r.expected, .none)
        XCTAssertEqual(try parse("armvm-manifest 1\n").rows, [])
        XCTAssertEqual(Manifest(path: "m.txt", rows: []).directory, ".")
        XCTAssertEqual(Manifest(path: "/m.txt", rows: []).directory, "/")
    }

    func testErrorsNameTheLine() {
        assertError("", line: 1, "armvm-manifest 1")
        assertError("# only comments\n", line: 1, "empty manifest")
        assertError("r image=i\n", line: 1, "first line must be 'armvm-manifest 1'")
        assertError("armvm-manifest 2\n", line: 1, "version 2")
        assertError("armvm-manifest one\n", line: 1, "armvm-manifest 1")
        assertError("armvm-manifest 1\narmvm-manifest 1\n", line: 2, "second version line")
        assertError("armvm-manifest 1\n\nr board=virt\n", line: 3, "names no image=")
        assertError("armvm-manifest 1\nr image=i colour=red\n", line: 2, "unknown key 'colour'")
        assertError("armvm-manifest 1\nr image=i --el 1\n", line: 2, "'--el' is not key=value")
        assertError("armvm-manifest 1\nr image=i =x\n", line: 2, "not key=value")
        assertError("armvm-manifest 1\nr image=i image=j\n", line: 2, "image= given twice")
        assertError("armvm-manifest 1\nr image=\n", line: 2, "image= needs a value")
        assertError("armvm-manifest 1\nr image=i status=256\n", line: 2, "status=256")
        assertError("armvm-manifest 1\nr image=i status=-1\n", line: 2, "status=-1")
        assertError("armvm-manifest 1\nr image=i timeout=0\n", line: 2, "timeout=0")
        assertError("armvm-manifest 1\nr image=i timeout=1e3\n", line: 2, "timeout=1e3")
        assertError("armvm-manifest 1\nr image=i max-instructions=lots\n", line: 2, "max-instructions=lots")
        assertError("armvm-manifest 1\nr image=i max-instructions=99999999999T\n", line: 2, "too large")
        assertError("armvm-manifest 1\nr image=i output=out.txt lines=lines.txt\n", line: 2, "cannot go with")
        assertError("armvm-manifest 1\nr image=i output=absent.txt\n", line: 2, "output=absent.txt: cannot read")
        assertError("armvm-manifest 1\nr image=i lines=absent.txt\n", line: 2, "lines=absent.txt: cannot read")
        assertError("armvm-manifest 1\nr image=i lines=empty.txt\n", line: 2, "no lines")
        assertError("armvm-manifest 1\nr image=i expect=\n", line: 2, "expect= needs")
        assertError("armvm-manifest 1\nr image=i expect=\"open\n", line: 2, "unterminated double quote")
        assertError("armvm-manifest 1\nr image=i\nr image=j\n", line: 3, "already used on line 2")
        assertError("armvm-manifest 1\nbad/name image=i\n", line: 2, "row name 'bad/name'")
        assertError("armvm-manifest 1\n--el image=i\n", line: 2, "row name '--el'")
        assertError("armvm-manifest 1\ndefaults image=i\n", line: 2, "defaults cannot set image=")
        assertError("armvm-manifest 1\nr image=i \\\n", line: 2, "ends in '\\'")
        assertError("armvm-manifest 1\nr image=i tap=maybe\n", line: 2, "tap=maybe must be yes or no")
    }

    func testCountsAsTheCommandLineTakesThem() {
        for (text, value) in [("1000000", 1_000_000), ("1_000_000", 1_000_000), ("1e6", 1_000_000), ("1M", 1_000_000),
                              ("2G", 2_000_000_000), ("0x10", 16), ("3k", 3000)] as [(String, UInt64)] {
            XCTAssertEqual(try parseInstructionCount(text).get(), value, text)
        }
        for text in ["", "_1", "1_", "1.5", "-1", "1Q", "1e20", "abc", "0x"] {
            XCTAssertThrowsError(try parseInstructionCount(text).get(), text)
        }
        XCTAssertEqual(parseSeconds("2.5"), 2.5)
        XCTAssertNil(parseSeconds("1e3"))
        XCTAssertNil(parseSeconds("-1"))
        XCTAssertNil(parseSeconds("."))
    }
}
