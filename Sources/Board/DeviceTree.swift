import CLibFDT

/// Builds the flattened device tree (DTB) that describes a board to the guest, from the same
/// BoardLayout that wires the bus, and checks blobs the user supplies with --dtb.
public enum DeviceTreeBuilder {
    /// Linux maps the blob with one 2 MiB block at most (Documentation/arch/arm64/booting.rst).
    public static let maximumSize = 2 << 20

    public static func build(layout: BoardLayout, options: MachineOptions,
                             initrd: (start: UInt64, size: UInt64)?) throws -> [UInt8] {
        let context = DeviceTreeContext(layout: layout, options: options, initrd: initrd)
        // The tree is a few KiB; a long command line can need more, so grow and start over.
        var capacity = 64 << 10 + options.bootargs.utf8.count
        while true {
            do {
                let w = try FDTWriter(capacity: capacity)
                try w.node("") {
                    try rootProperties(w, context)
                    try aliasesNode(w, context)
                    try chosenNode(w, context)
                    try cpusNode(w, context)
                    try memoryNode(w, context)
                    try psciNode(w, context)
                    try timerNode(w, context)
                    try pmuNode(w, context)
                    try gicNode(w, context)
                    try clockNode(w, context)
                    try uartNode(w, context)
                    for p in layout.peripherals { try peripheralNode(w, context, p) }
                    try virtioNodes(w, context)
                    try distanceMapNode(w, context)
                }
                let blob = try w.finish()
                guard blob.count <= maximumSize else { throw tooLarge(blob.count) }
                return blob
            } catch let e as FDTError where e.isNoSpace && capacity < maximumSize {
                capacity *= 2
            } catch let e as FDTError where e.isNoSpace {
                throw tooLarge(capacity)
            }
        }
    }

    static func tooLarge(_ size: Int) -> HostInputError {
        HostInputError("the device tree would be \(size) bytes, more than the 2 MiB an arm64 kernel accepts; shorten --append or the --guest/--module bootargs")
    }

    /// Checks a user-supplied blob before it is given to the guest: the header, the size the
    /// header claims against the file, the structure as a whole, a root node and a memory node.
    /// Returns the blob itself: the first totalsize bytes (anything after it in the file is not
    /// part of the blob, and would only grow the buffers that patch it).
    @discardableResult
    public static func validate(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        let headerSize = 40  // struct fdt_header, v17
        guard !bytes.isEmpty else { throw HostInputError("\(path): empty file") }
        guard bytes.count >= headerSize else {
            throw HostInputError("\(path): not a device tree blob (only \(bytes.count) bytes)")
        }
        return try bytes.withUnsafeBytes { raw in
            guard let p = raw.baseAddress else { throw HostInputError("\(path): not a device tree blob (empty)") }
            guard fdtHeaderWord(p, 0) == UInt32(FDT_MAGIC) else {
                throw HostInputError("\(path): not a device tree blob (bad magic)")
            }
            let rc = fdt_check_header(p)
            guard rc == 0 else {
                throw HostInputError("\(path): not a usable device tree blob (\(String(cString: fdt_strerror(rc))))")
            }
            // Version 17 only (found by fuzzing): libfdt 1.6.1 (Debian 12) dereferences NULL in
            // fdt_check_full on a pre-16 blob whose root name has no '/', and checks property
            // names against size_dt_strings only from 17 on, while fdt_open_into (patchChosen)
            // trusts that size at any version, so a v16 blob with a short one came out corrupt.
            // dtc writes 17; the Devicetree Specification (v0.4, 5.2) describes 17.
            let version = fdtHeaderWord(p, 20)
            guard version >= 17 else {
                throw HostInputError("\(path): device tree blob version \(version) is older than 17, the one armvm edits; rewrite it with `dtc -I dtb -O dtb`")
            }
            let total = Int(fdtHeaderWord(p, 4))
            guard total <= bytes.count else {
                throw HostInputError("\(path): device tree blob is truncated (header says \(total) bytes, file has \(bytes.count))")
            }
            guard total <= maximumSize else {
                throw HostInputError("\(path): device tree blob is \(total) bytes; an arm64 kernel accepts at most 2 MiB")
            }
            let full = fdt_check_full(p, total)
            guard full == 0 else {
                throw HostInputError("\(path): corrupt device tree blob (\(String(cString: fdt_strerror(full))))")
            }
            // fdt_path_offset(p, "/") is 0 without looking and fdt_check_full accepts an empty
            // structure block; fdt_get_name checks that a node really begins there (found by fuzzing).
            guard fdt_path_offset(p, "/") >= 0, fdt_get_name(p, 0, nil) != nil else {
                throw HostInputError("\(path): device tree blob has no root node")
            }
            // The kernel learns where RAM is only from a device_type = "memory" node; armvm
            // writes /chosen into a user's blob but not /memory, so without one nothing boots.
            guard fdt_node_offset_by_prop_value(p, -1, "device_type", "memory", 7) >= 0 else {
                throw HostInputError("\(path): device tree blob describes no memory (no node with device_type = \"memory\")")
            }
            return Array(bytes.prefix(total))
        }
    }

    /// A user-supplied blob with the command line and initrd range written into /chosen, as a
    /// boot loader would do (QEMU does the same to a -dtb blob). The blob must have passed
    /// `validate`. Other properties of /chosen are kept.
    public static func patchChosen(_ bytes: [UInt8], bootargs: String,
                                   initrd: (start: UInt64, size: UInt64)?) throws -> [UInt8] {
        if bootargs.isEmpty && initrd == nil { return bytes }
        let capacity = bytes.count + bootargs.utf8.count + 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        _ = try bytes.withUnsafeBytes { raw in
            try fdtCheck(fdt_open_into(raw.baseAddress!, buffer, Int32(capacity)), "fdt_open_into")
        }
        var chosen = fdt_path_offset(buffer, "/chosen")
        if chosen < 0 { chosen = try fdtCheck(fdt_add_subnode(buffer, 0, "chosen"), "fdt_add_subnode(chosen)") }
        func set(_ name: String, _ value: [UInt8]) throws {
            _ = try value.withUnsafeBytes { v in
                try fdtCheck(fdt_setprop(buffer, chosen, name, v.baseAddress, Int32(v.count)), "fdt_setprop(\(name))")
            }
        }
        if !bootargs.isEmpty { try set("bootargs", Array(bootargs.utf8) + [0]) }
        if let initrd {
            try set("linux,initrd-start", fdtCells(fdtCells64(initrd.start)))
            try set("linux,initrd-end", fdtCells(fdtCells64(initrd.start + initrd.size)))
        }
        try fdtCheck(fdt_pack(buffer), "fdt_pack")
        let total = Int(fdtHeaderWord(buffer, 4))
        guard total <= maximumSize else { throw tooLarge(total) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: total))
    }
}
