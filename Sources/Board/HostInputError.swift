/// Bad host input: a missing or malformed file, a bad flag value, an image that does not fit.
/// The CLI prints `message` as one line and exits with status 2.
public struct HostInputError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
