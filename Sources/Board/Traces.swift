/// The `--trace` names and what each attaches to a machine.
public enum Traces {
    public static let available = ["exceptions", "mmu"]

    /// Attach the named traces, writing lines through `write`. An unknown name is bad host input.
    public static func attach(_ names: [String], to machine: Machine, write: @escaping (String) -> Void) throws {
        for name in names {
            switch name {
            case "exceptions": ExceptionTrace(write: write).attach(to: machine)
            case "mmu": MMUTrace.attach(to: machine, write: write)
            default:
                throw HostInputError(message: "unknown --trace '\(name)' (available: \(available.joined(separator: ", ")))")
            }
        }
    }
}
