/// The `--trace` names and what each attaches to a machine; `--trace-file`, `--trace-filter`,
/// `--trace-format` and `--timeline` are gathered in `TraceOptions`.
public enum Traces {
    public static let available = ["exceptions", "irq", "mmio", "mmu"]

    /// Attach the named traces, writing through `sink`. An unknown name is bad host input.
    public static func attach(_ names: [String], to machine: Machine, sink: TraceSink) throws {
        for name in names {
            switch name {
            case "exceptions": ExceptionTrace(sink: sink).attach(to: machine)
            case "irq": IRQTrace.attach(to: machine, sink: sink)
            case "mmio": MMIOTrace.attach(to: machine, sink: sink)
            case "mmu": MMUTrace.attach(to: machine, sink: sink)
            default:
                throw HostInputError(message: "unknown --trace '\(name)' (available: \(available.joined(separator: ", ")))")
            }
        }
    }

    /// Attach the named traces as text lines handed to `write`.
    public static func attach(_ names: [String], to machine: Machine, write: @escaping (String) -> Void) throws {
        try attach(names, to: machine, sink: TraceSink(write: write))
    }
}

/// The trace flags of `armvm run`, checked before the machine is built.
public struct TraceOptions {
    public var names: [String] = []
    public var file: String?
    public var filter = TraceFilter()
    public var format = TraceFormat.text
    public var timeline: String?

    public init() {}

    /// Parse the flags' texts; anything malformed is bad host input.
    public init(names: [String], file: String?, filter: String?, format: String, timeline: String?) throws {
        for n in names where !Traces.available.contains(n) {
            throw HostInputError(message: "unknown --trace '\(n)' (available: \(Traces.available.joined(separator: ", ")))")
        }
        self.names = names
        self.file = file
        if let filter { self.filter = try TraceFilter(parsing: filter) }
        guard let f = TraceFormat(rawValue: format) else {
            throw HostInputError(message: "unknown --trace-format '\(format)' (choose text or json)")
        }
        self.format = f
        // These shape --trace's lines; without one they would silently do nothing.
        if names.isEmpty, let flag = file != nil ? "--trace-file" : filter != nil ? "--trace-filter" : format != "text" ? "--trace-format" : nil {
            throw HostInputError(message: "\(flag) applies to --trace lines: add --trace exceptions, irq, mmio or mmu")
        }
        if let timeline, timeline.isEmpty { throw HostInputError(message: "--timeline needs a file name") }
        self.timeline = timeline
    }

    /// What is attached: the sink the traces write to (nil without --trace) and the timeline.
    public struct Attached {
        public let sink: TraceSink?
        public let timeline: Timeline?

        /// Write out what is buffered and close the timeline's JSON: call however the run ended.
        public func finish() {
            sink?.flush()
            timeline?.finish()
        }
    }

    /// Open the files (now, so a bad name fails before the run) and attach to `machine`.
    public func attach(to machine: Machine) throws -> Attached {
        var sink: TraceSink?
        if !names.isEmpty {
            let output = try file.map { try TraceOutput.file($0, flag: "--trace-file") } ?? .standardError
            sink = TraceSink(format: format, filter: filter, output: output)
            try Traces.attach(names, to: machine, sink: sink!)
        }
        let timeline = try self.timeline.map { try Timeline.attach(to: machine, path: $0) }
        return Attached(sink: sink, timeline: timeline)
    }
}
