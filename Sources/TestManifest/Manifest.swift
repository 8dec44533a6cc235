// The manifest format `armvm test` reads (docs/MANIFEST.md): a version line, then rows, one run
// each. Parsing is pure (text in, rows or one located error out) so that the CLI and the Swift
// tests read manifests with the same code.

/// A problem in a manifest, located at the line it is on.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// What a row's console output is held against.
public enum ExpectedOutput: Equatable {
    /// Nothing: the exit status alone decides.
    case none
    /// The whole console output, byte for byte, from a file.
    case exact(file: String)
    /// Lines that must appear in this order, each inside a console line of its own (other lines
    /// may come between them). `file` names where they came from, if a file.
    case linesInOrder([String], file: String?)
}

/// One run of a manifest.
public struct ManifestRow: Equatable {
    public var name: String
    /// The line the row starts on, for messages and for JUnit's `line` attribute.
    public var line: Int
    public var board: String?
    /// The image to boot, as written (relative paths are relative to the manifest's directory,
    /// which is the run's working directory).
    public var image: String
    public var guests: [String] = []
    public var modules: [String] = []
    /// Further `armvm run` arguments, after the row's `--`.
    public var args: [String] = []
    public var status: Int32 = 0
    public var expected: ExpectedOutput = .none
    /// Wall-clock limit in seconds.
    public var timeout: Double
    /// Instruction limit, as `armvm run --max-instructions` takes it.
    public var maxInstructions: UInt64
    /// Why the row is not run, if it is not.
    public var skip: String?
    /// Files the row needs (relative to the manifest): while one is missing, the row is
    /// skipped, naming it (a download such as `make linux` provides it).
    public var needs: [String] = []
    /// The guest reports its own checks as TAP lines on the console (`tap=yes`): each becomes a
    /// test case of its own, and any failing one fails the row.
    public var tap = false

    public init(name: String, line: Int, board: String? = nil, image: String, guests: [String] = [],
                modules: [String] = [], args: [String] = [], status: Int32 = 0, expected: ExpectedOutput = .none,
                timeout: Double = Manifest.defaultTimeout, maxInstructions: UInt64 = Manifest.defaultMaxInstructions,
                skip: String? = nil, tap: Bool = false) {
        self.name = name
        self.line = line
        self.board = board
        self.image = image
        self.guests = guests
        self.modules = modules
        self.args = args
        self.status = status
        self.expected = expected
        self.timeout = timeout
        self.maxInstructions = maxInstructions
        self.skip = skip
        self.tap = tap
    }

    /// The arguments after `armvm`: the run as a user would type it.
    public var runArguments: [String] {
        var a = ["run"]
        if let board { a += ["--board", board] }
        for g in guests { a += ["--guest", g] }
        for m in modules { a += ["--module", m] }
        return a + args + [image]
    }
}

/// A parsed manifest.
public struct Manifest: Equatable {
    /// The version this armvm reads. A manifest names its version on its first line; a newer
    /// one is refused rather than half understood.
    public static let version = 1
    public static let defaultTimeout: Double = 120
    public static let defaultMaxInstructions: UInt64 = 10_000_000_000

    public var path: String
    public var rows: [ManifestRow]

    public init(path: String, rows: [ManifestRow]) {
        self.path = path
        self.rows = rows
    }

    /// The directory the rows run in: the manifest's own ("." for a bare file name).
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    /// Parses `text`, read from `path`. `readFile` reads a `lines=` file (relative to the
    /// manifest's directory), so that a missing one is an error at its row's line.
    public static func parse(_ text: String, path: String,
                             readFile: @escaping (String) -> String? = { _ in nil }) throws -> Manifest {
        var parser = ManifestParser(path: path, readFile: readFile)
        return Manifest(path: path, rows: try parser.parse(text))
    }
}

/// The keys a row may carry; `defaults` lines may set those in `defaultable`.
enum RowKey: String, CaseIterable {
    case board, image, guest, module, status, output, lines, expect, timeout, skip, tap, needs
    case maxInstructions = "max-instructions"

    static let defaultable: [RowKey] = [.board, .timeout, .maxInstructions, .status]
    var repeatable: Bool { self == .guest || self == .module || self == .expect || self == .needs }
}

struct ManifestParser {
    let path: String
    let readFile: (String) -> String?
    var board: String?
    var timeout = Manifest.defaultTimeout
    var maxInstructions = Manifest.defaultMaxInstructions
    var status: Int32 = 0
    var defaultArgs: [String] = []

    init(path: String, readFile: @escaping (String) -> String?) {
        self.path = path
        self.readFile = readFile
    }

    func error(_ line: Int, _ message: String) -> ManifestError {
        ManifestError(file: path, line: line, message: message)
    }

    mutating func parse(_ text: String) throws -> [ManifestRow] {
        var rows: [ManifestRow] = []
        var names: [String: Int] = [:]
        var sawVersion = false
        for (number, line) in try logicalLines(text) {
            let tokens = try tokenize(line, number)
            guard let first = tokens.first else { continue }
            if !sawVersion {
                guard first == "armvm-manifest", tokens.count == 2, let v = Int(tokens[1]) else {
                    throw error(number, "the first line must be 'armvm-manifest \(Manifest.version)' (the format's version)")
                }
                guard v == Manifest.version else {
                    throw error(number, "manifest version \(v); this armvm reads version \(Manifest.version)")
                }
                sawVersion = true
                continue
            }
            if first == "armvm-manifest" { throw error(number, "a second version line") }
            if first == "defaults" {
                try applyDefaults(Array(tokens.dropFirst()), number)
                continue
            }
            let row = try parseRow(tokens, number)
            if let earlier = names[row.name] {
                throw error(number, "row name '\(row.name)' already used on line \(earlier)")
            }
            names[row.name] = number
            rows.append(row)
        }
        guard sawVersion else { throw error(1, "empty manifest: the first line must be 'armvm-manifest \(Manifest.version)'") }
        return rows
    }

    /// Lines without comments and blanks, with `\`-continued lines joined, each with the number
    /// of the line it starts on.
    func logicalLines(_ text: String) throws -> [(Int, String)] {
        var out: [(Int, String)] = []
        var pending: (Int, String)?
        var number = 0
        var raws = text.splitLines()
        if raws.last == "" { raws.removeLast() }   // the final newline ends a line, it starts none
        for raw in raws {
            number += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if pending == nil && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            var continues = false
            if line.hasSuffix("\\") {
                line.removeLast()
                continues = true
            }
            if let p = pending {
                pending = (p.0, p.1 + " " + line)
            } else {
                pending = (number, line)
            }
            if !continues, let p = pending {
                out.append(p)
                pending = nil
            }
        }
        if let p = pending { throw error(p.0, "the last line ends in '\\' with nothing to continue it") }
        return out
    }

    /// Splits at spaces and tabs; double quotes group (a quote may open mid-word, as in
    /// expect="two words"), and inside them \" and \\ stand for " and \.
    func tokenize(_ line: String, _ number: Int) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        var inToken = false, quoted = false, escaped = false
        for c in line {
            if quoted {
                if escaped {
                    current.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    quoted = false
                } else {
                    current.append(c)
                }
                continue
            }
            if c == " " || c == "\t" {
                if inToken { tokens.append(current); current = ""; inToken = false }
            } else if c == "\"" {
                quoted = true
                inToken = true
            } else {
                current.append(c)
                inToken = true
            }
        }
        if quoted { throw error(number, "unterminated double quote") }
        if inToken { tokens.append(current) }
        return tokens
    }

    /// Splits tokens into key=value pairs and, after a `--`, arguments for `armvm run`.
    func keyValues(_ tokens: [String], _ number: Int) throws -> (pairs: [(RowKey, String)], args: [String]) {
        var pairs: [(RowKey, String)] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if t == "--" { return (pairs, Array(tokens[(i + 1)...])) }
            guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
                throw error(number, "'\(t)' is not key=value (arguments for armvm run go after '--')")
            }
            let k = String(t[..<eq])
            guard let key = RowKey(rawValue: k) else {
                throw error(number, "unknown key '\(k)' (known: \(RowKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !key.repeatable && pairs.contains(where: { $0.0 == key }) { throw error(number, "\(k)= given twice") }
            pairs.append((key, String(t[t.index(after: eq)...])))
            i += 1
        }
        return (pairs, [])
    }

    mutating func applyDefaults(_ tokens: [String], _ number: Int) throws {
        let (pairs, args) = try keyValues(tokens, number)
        for (key, value) in pairs {
            guard RowKey.defaultable.contains(key) else {
                throw error(number, "defaults cannot set \(key.rawValue)= (only \(RowKey.defaultable.map { $0.rawValue + "=" }.joined(separator: ", ")))")
            }
            switch key {
            case .board: board = try nonEmpty(value, key, number)
            case .timeout: timeout = try seconds(value, number)
            case .maxInstructions: maxInstructions = try count(value, number)
            case .status: status = try exitStatus(value, number)
            default: break
            }
        }
        if tokens.contains("--") { defaultArgs = args }
    }

    mutating func parseRow(_ tokens: [String], _ number: Int) throws -> ManifestRow {
        let name = tokens[0]
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }), !name.hasPrefix("-") else {
            throw error(number, "row name '\(name)' must be letters, digits, '-', '_' and '.' (a row is NAME key=value ... [-- ARGS])")
        }
        let (pairs, args) = try keyValues(Array(tokens.dropFirst()), number)
        var row = ManifestRow(name: name, line: number, board: board, image: "", args: defaultArgs + args,
                              status: status, timeout: timeout, maxInstructions: maxInstructions)
        var expectLines: [String] = []
        var linesFile: (String, [String])?
        var outputFile: String?
        for (key, value) in pairs {
            switch key {
            case .board: row.board = try nonEmpty(value, key, number)
            case .image: row.image = try nonEmpty(value, key, number)
            case .guest: row.guests.append(try nonEmpty(value, key, number))
            case .module: row.modules.append(try nonEmpty(value, key, number))
            case .status: row.status = try exitStatus(value, number)
            case .timeout: row.timeout = try seconds(value, number)
            case .maxInstructions: row.maxInstructions = try count(value, number)
            case .skip: row.skip = try nonEmpty(value, key, number)
            case .needs: row.needs.append(try nonEmpty(value, key, number))
            case .tap:
                guard value == "yes" || value == "no" else { throw error(number, "tap=\(value) must be yes or no") }
                row.tap = value == "yes"
            case .output:
                let file = try nonEmpty(value, key, number)
                guard readFile(file) != nil else { throw error(number, "output=\(file): cannot read the file") }
                outputFile = file
            case .expect:
                guard !value.isEmpty, !value.contains("\n") else { throw error(number, "expect= needs the text of one line") }
                expectLines.append(value)
            case .lines:
                let file = try nonEmpty(value, key, number)
                guard let text = readFile(file) else { throw error(number, "lines=\(file): cannot read the file") }
                let lines = text.splitLines(omittingEmpty: true).map(String.init)
                guard !lines.isEmpty else { throw error(number, "lines=\(file): the file has no lines") }
                linesFile = (file, lines)
            }
        }
        guard !row.image.isEmpty else { throw error(number, "row '\(name)' names no image= (the file armvm run boots)") }
        if let outputFile {
            guard linesFile == nil && expectLines.isEmpty else {
                throw error(number, "output= (the exact console) cannot go with lines= or expect=")
            }
            row.expected = .exact(file: outputFile)
        } else if linesFile != nil || !expectLines.isEmpty {
            row.expected = .linesInOrder((linesFile?.1 ?? []) + expectLines, file: linesFile?.0)
        }
        return row
    }

    func nonEmpty(_ value: String, _ key: RowKey, _ number: Int) throws -> String {
        guard !value.isEmpty else { throw error(number, "\(key.rawValue)= needs a value") }
        return value
    }

    func seconds(_ value: String, _ number: Int) throws -> Double {
        guard let s = parseSeconds(value) else {
            throw error(number, "timeout=\(value) is not a number of seconds (such as 30 or 2.5)")
        }
        return s
    }

    func count(_ value: String, _ number: Int) throws -> UInt64 {
        switch parseInstructionCount(value) {
        case .success(let n): return n
        case .failure(let e): throw error(number, "max-instructions=\(value): \(e.message)")
        }
    }

    func exitStatus(_ value: String, _ number: Int) throws -> Int32 {
        guard let s = Int32(value), (0...255).contains(s) else {
            throw error(number, "status=\(value) is not an exit status (0 to 255)")
        }
        return s
    }
}

/// A positive number of seconds, as `--timeout` and `timeout=` take it: 30, 2.5, 0.1.
public func parseSeconds(_ s: String) -> Double? {
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
          s.filter({ $0 == "." }).count <= 1, let v = Double(s), v > 0, v <= 1e9 else { return nil }
    return v
}
