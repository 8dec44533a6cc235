/// The NUMA layout the user asked for with `--numa` (shaped like QEMU's -numa), described to the
/// guest through the device-tree NUMA binding (Linux Documentation/devicetree/bindings/numa.txt):
/// `numa-node-id` on each CPU and memory node, and a "numa-distance-map-v1" distance matrix.
/// RAM is split into one contiguous range per node, in node order.
public struct NUMATopology: Sendable, Equatable {
    public static let nodeUsage = "--numa node,mem=SIZE,cpus=A[-B]"
    public static let distUsage = "--numa dist,src=A,dst=B,val=N"
    /// The binding's (and Linux's) distance of a node to itself, and to another by default.
    public static let localDistance: UInt32 = 10
    public static let remoteDistance: UInt32 = 20

    public struct Node: Sendable, Equatable {
        public var memory: UInt64
        public var cpus: ClosedRange<Int>
    }

    public var nodes: [Node] = []
    /// Distances given with `dist`, by (src, dst).
    public var distances: [Pair: UInt32] = [:]

    public struct Pair: Hashable, Sendable { public let src: Int, dst: Int }

    public init() {}

    /// Adds one `--numa` value.
    public mutating func add(_ spec: String) throws {
        var parts = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let kind = parts.removeFirst()
        var pairs: [String: String] = [:]
        for p in parts {
            let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else { throw HostInputError("--numa \(spec): '\(p)' is not key=value") }
            guard pairs[kv[0]] == nil else { throw HostInputError("--numa \(spec): \(kv[0])= given twice") }
            pairs[kv[0]] = kv[1]
        }
        func take(_ key: String, _ usage: String) throws -> String {
            guard let v = pairs.removeValue(forKey: key) else { throw HostInputError("--numa \(spec): \(key)= is missing (write \(usage))") }
            return v
        }
        switch kind {
        case "node":
            let mem = try take("mem", Self.nodeUsage)
            let cpus = try take("cpus", Self.nodeUsage)
            if let extra = pairs.keys.sorted().first { throw HostInputError("--numa \(spec): unknown key '\(extra)' (write \(Self.nodeUsage))") }
            let size: UInt64
            do { size = try MachineOptions.parseSize(mem) } catch let e as HostInputError {
                throw HostInputError("--numa \(spec): mem=: \(e.message)")
            }
            guard size > 0, size % 4096 == 0 else { throw HostInputError("--numa \(spec): mem=\(mem) must be a non-zero multiple of 4K") }
            let ends = cpus.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(ends.count), let first = ends.first ?? nil, let last = ends.last ?? nil, first >= 0, first <= last else {
                throw HostInputError("--numa \(spec): cpus=\(cpus) must be a CPU number or a range A-B")
            }
            nodes.append(Node(memory: size, cpus: first...last))
        case "dist":
            let values = try ["src", "dst", "val"].map { key -> Int in
                let v = try take(key, Self.distUsage)
                guard let n = Int(v), n >= 0 else { throw HostInputError("--numa \(spec): \(key)=\(v) is not a number") }
                return n
            }
            if let extra = pairs.keys.sorted().first { throw HostInputError("--numa \(spec): unknown key '\(extra)' (write \(Self.distUsage))") }
            let (src, dst, val) = (values[0], values[1], values[2])
            // numa.txt: a node's distance to itself is 10, to another more than 10; the
            // ACPI SLIT range that Linux shares stops at 255.
            if src == dst && val != Int(Self.localDistance) {
                throw HostInputError("--numa \(spec): the distance of a node to itself is 10")
            }
            guard src == dst || (11...255).contains(val) else {
                throw HostInputError("--numa \(spec): val=\(val) must be from 11 to 255 between two nodes")
            }
            distances[Pair(src: src, dst: dst)] = UInt32(val)
        default:
            throw HostInputError("--numa \(spec): unknown kind '\(kind)' (write \(Self.nodeUsage) or \(Self.distUsage))")
        }
    }

    /// Checks the nodes against the machine: memory sizes add up to --memory, every CPU of
    /// --smp is in exactly one node, distances name existing nodes.
    public func validate(memorySize: UInt64, cpuCount: Int) throws {
        guard !nodes.isEmpty else {
            throw HostInputError("--numa dist given without any --numa node (write \(Self.nodeUsage))")
        }
        let total = nodes.reduce(UInt64(0)) { $0 &+ $1.memory }
        guard total == memorySize else {
            throw HostInputError("--numa nodes hold \(formatSize(total)) of memory but --memory is \(formatSize(memorySize)); the sizes must add up to it")
        }
        var owner = [Int?](repeating: nil, count: cpuCount)
        for (n, node) in nodes.enumerated() {
            guard node.cpus.upperBound < cpuCount else {
                let cpus = node.cpus.count == 1 ? "\(node.cpus.lowerBound)" : "\(node.cpus.lowerBound)-\(node.cpus.upperBound)"
                throw HostInputError("--numa node \(n): cpus=\(cpus) names CPU \(node.cpus.upperBound), but --smp \(cpuCount) has \(cpuCount == 1 ? "CPU 0" : "CPUs 0-\(cpuCount - 1)")")
            }
            for c in node.cpus {
                if let other = owner[c] { throw HostInputError("--numa: CPU \(c) is in node \(other) and node \(n)") }
                owner[c] = n
            }
        }
        if let c = owner.firstIndex(where: { $0 == nil }) {
            throw HostInputError("--numa: CPU \(c) is in no node; every CPU of --smp \(cpuCount) needs one")
        }
        for p in distances.keys.sorted(by: { ($0.src, $0.dst) < ($1.src, $1.dst) }) where max(p.src, p.dst) >= nodes.count {
            let have = nodes.count == 1 ? "there is only node 0" : "there are only nodes 0-\(nodes.count - 1)"
            throw HostInputError("--numa dist,src=\(p.src),dst=\(p.dst): \(have)")
        }
    }

    /// The node of CPU `cpu`.
    public func node(ofCPU cpu: Int) -> Int? { nodes.firstIndex { $0.cpus.contains(cpu) } }

    /// Node n's RAM: the nodes split RAM from its base in node order.
    public func memoryRange(node n: Int, ramBase: UInt64) -> AddressRange {
        let before = nodes.prefix(n).reduce(UInt64(0)) { $0 + $1.memory }
        return AddressRange(base: ramBase + before, size: nodes[n].memory)
    }

    /// The distance from `src` to `dst`: as given, else as given the other way (QEMU mirrors a
    /// one-way distance), else 10 to itself and 20 to another node.
    public func distance(_ src: Int, _ dst: Int) -> UInt32 {
        if src == dst { return Self.localDistance }
        return distances[Pair(src: src, dst: dst)] ?? distances[Pair(src: dst, dst: src)] ?? Self.remoteDistance
    }
}
