import CLibFDT

/// A `--guest` image after placement: the options and where its bytes are in RAM.
public struct PlacedGuest: Sendable, Equatable {
    public let guest: GuestImage
    public let range: AddressRange
}

/// A `--module` after placement.
public struct PlacedModule: Sendable, Equatable {
    public let module: BootModule
    public let range: AddressRange
}

extension DeviceTreeBuilder {
    /// Writes the nodes a hypervisor reads at boot into /chosen of a finished blob (the generated
    /// one or the user's), following Xen's docs/misc/arm/device-tree/booting.txt:
    ///
    /// - each guest becomes `domUn { compatible = "xen,domain"; #address-cells = <2>;
    ///   #size-cells = <2>; memory = <KiB as 64 bits>; cpus = <n>; vpl011;
    ///   module@addr { compatible = "multiboot,kernel", "multiboot,module"; reg; bootargs; } }`;
    /// - each dom0 module becomes `module@addr { compatible = "multiboot,kernel" (or ramdisk),
    ///   "multiboot,module"; reg; bootargs; }` directly under /chosen, whose #address-cells and
    ///   #size-cells are set to 2 so that reg holds 64-bit addresses and sizes;
    /// - the command line, if any, becomes `xen,xen-bootargs`: with a hypervisor booting, a plain
    ///   /chosen/bootargs would be ambiguous (Xen may hand it to dom0, per "Command lines").
    public static func addBootModules(_ blob: [UInt8], guests: [PlacedGuest], modules: [PlacedModule],
                                      hypervisorBootargs: String) throws -> [UInt8] {
        if guests.isEmpty && modules.isEmpty && hypervisorBootargs.isEmpty { return blob }
        var capacity = blob.count + 1024 + hypervisorBootargs.utf8.count
        for g in guests { capacity += 512 + (g.guest.bootargs?.utf8.count ?? 0) }
        for m in modules { capacity += 256 + (m.module.bootargs?.utf8.count ?? 0) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        _ = try blob.withUnsafeBytes { raw in
            try fdtCheck(fdt_open_into(raw.baseAddress!, buffer, Int32(capacity)), "fdt_open_into")
        }
        var chosen = fdt_path_offset(buffer, "/chosen")
        if chosen < 0 { chosen = try fdtCheck(fdt_add_subnode(buffer, 0, "chosen"), "fdt_add_subnode(chosen)") }

        func set(_ node: Int32, _ name: String, _ value: [UInt8]) throws {
            _ = try value.withUnsafeBytes { v in
                try fdtCheck(fdt_setprop(buffer, node, name, v.baseAddress, Int32(v.count)), "fdt_setprop(\(name))")
            }
        }
        func string(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }
        func strings(_ list: [String]) -> [UInt8] { list.flatMap(string) }
        func reg(_ r: AddressRange) -> [UInt8] { fdtCells(fdtCells64(r.base) + fdtCells64(r.size)) }
        // fdt_add_subnode puts a new node before the parent's other children, so nodes are added
        // last first: the blob then lists them in command-line order (Xen numbers domUs that way).
        func addNode(_ parent: Int32, _ name: String) throws -> Int32 {
            let rc = fdt_add_subnode(buffer, parent, name)
            if rc == -FDT_ERR_EXISTS {
                throw HostInputError("the device tree already has a /chosen/\(name) node; remove it or drop the --guest/--module that collides")
            }
            return try fdtCheck(rc, "fdt_add_subnode(\(name))")
        }
        func moduleName(_ r: AddressRange) -> String { DeviceTreeContext.unitName("module", r.base) }

        if !hypervisorBootargs.isEmpty {
            try set(chosen, "xen,xen-bootargs", string(hypervisorBootargs))
        }
        if !modules.isEmpty {
            try set(chosen, "#address-cells", fdtCells([2]))
            try set(chosen, "#size-cells", fdtCells([2]))
        }
        for m in modules.reversed() {
            let node = try addNode(chosen, moduleName(m.range))
            try set(node, "compatible", strings([m.module.kind.compatible, "multiboot,module"]))
            try set(node, "reg", reg(m.range))
            if let b = m.module.bootargs { try set(node, "bootargs", string(b)) }
        }
        for (i, g) in guests.enumerated().reversed() {
            let domain = try addNode(chosen, "domU\(i + 1)")
            try set(domain, "compatible", string("xen,domain"))
            try set(domain, "#address-cells", fdtCells([2]))
            try set(domain, "#size-cells", fdtCells([2]))
            // "A 64-bit integer specifying the amount of kilobytes of RAM".
            try set(domain, "memory", fdtCells(fdtCells64(g.guest.memory / 1024)))
            try set(domain, "cpus", fdtCells([UInt32(g.guest.cpus)]))
            try set(domain, "vpl011", [])
            let kernel = try addNode(domain, moduleName(g.range))
            try set(kernel, "compatible", strings(["multiboot,kernel", "multiboot,module"]))
            try set(kernel, "reg", reg(g.range))
            if let b = g.guest.bootargs { try set(kernel, "bootargs", string(b)) }
        }
        try fdtCheck(fdt_pack(buffer), "fdt_pack")
        let total = Int(fdtHeaderWord(buffer, 4))
        guard total <= maximumSize else { throw tooLarge(total) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: total))
    }
}
