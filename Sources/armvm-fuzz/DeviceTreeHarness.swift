import Board
import CLibFDT
#if canImport(Glibc)
import Glibc
#endif

/// A user's `--dtb FILE` as `armvm run` takes it: MachineSetup.prepare validates the blob with
/// libfdt (DeviceTreeBuilder.validate), writes bootargs and the initrd range into /chosen
/// (patchChosen) and, with --guest/--module, adds Xen's boot-module nodes (addBootModules).
///
/// Each input is prepared twice on a small machine: once as a kernel's DTB (bootargs, initrd),
/// once as a hypervisor's (initrd, one --guest, one dom0 --module, xen,xen-bootargs). The
/// oracle: whatever armvm accepted and edited still passes its own validation, carries the
/// edits, and is what lies in guest RAM at the address given to the guest.
enum DeviceTreeHarness {
    static let dtb = HostInput("dtb")
    /// A 4-byte raw image (`b .`) and initrd: the machine around the blob, kept tiny.
    static let image: HostInput = { let f = HostInput("dtb-image"); f.set([0x00, 0x00, 0x00, 0x14]); return f }()
    static let initrd: HostInput = { let f = HostInput("dtb-initrd"); f.set(Array("initrd".utf8)); return f }()
    static let console = Console(capture: true)

    static func run(_ bytes: [UInt8]) {
        dtb.set(bytes)
        var kernel = smallMachine()
        kernel.bootargs = "console=ttyAMA0 earlycon"
        prepare(kernel) { m in
            guard FDT(m.dtb).string("/chosen", "bootargs") == kernel.bootargs else {
                finding("dtb: /chosen/bootargs not written")
            }
        }
        var hypervisor = smallMachine()
        hypervisor.bootargs = "dom0_mem=16M"
        hypervisor.guests = [GuestImage(path: image.path, memory: 4 << 20, bootargs: "console=hvc0")]
        hypervisor.modules = [BootModule(path: image.path, kind: .kernel, bootargs: "console=hvc0")]
        prepare(hypervisor) { m in
            let fdt = FDT(m.dtb)
            guard fdt.string("/chosen", "xen,xen-bootargs") == hypervisor.bootargs, fdt.exists("/chosen/domU1") else {
                finding("dtb: /chosen boot-module nodes not written")
            }
        }
    }

    static func prepare(_ options: MachineOptions, _ check: (PreparedMachine) -> Void) {
        expectHostInputError("dtb") {
            let m = try MachineSetup.prepare(options: options, imagePath: image.path, dtbPath: dtb.path,
                                             initrdPath: initrd.path, loadAddress: options.board.layout.ramBase,
                                             console: console)
            checkPlaced(m, "dtb")
            check(m)
        }
    }
}

/// What every prepared machine must satisfy, whatever the input: its DTB passes armvm's own
/// check of user blobs and is in RAM at the address x0 will hold, and /chosen is there.
func checkPlaced(_ m: PreparedMachine, _ harness: String) {
    do { try DeviceTreeBuilder.validate(m.dtb, path: "prepared DTB") } catch {
        finding("\(harness): the DTB armvm produced fails its own validation: \(error)")
    }
    guard let p = m.bus.ramPointer(m.dtbAddress, size: m.dtb.count),
          m.dtb.withUnsafeBytes({ raw in raw.baseAddress.map { memcmp(p, $0, raw.count) == 0 } ?? true }) else {
        finding("\(harness): the DTB is not in RAM at \(m.dtbAddress)")
    }
    guard m.dtbAddress % 8 == 0, FDT(m.dtb).exists("/chosen") else {
        finding("\(harness): DTB misaligned or without /chosen")
    }
}

/// Reads a finished blob back through libfdt, as a guest would. Only for blobs that passed
/// DeviceTreeBuilder.validate (libfdt's read calls trust the structure then).
struct FDT {
    let blob: [UInt8]
    init(_ blob: [UInt8]) { self.blob = blob }

    func exists(_ path: String) -> Bool {
        blob.withUnsafeBytes { raw in raw.baseAddress.map { fdt_path_offset($0, path) >= 0 } ?? false }
    }

    /// The first string of a property, nil when the node or property is missing.
    func string(_ path: String, _ name: String) -> String? {
        blob.withUnsafeBytes { raw -> String? in
            guard let base = raw.baseAddress else { return nil }
            let node = fdt_path_offset(base, path)
            guard node >= 0 else { return nil }
            var len: Int32 = 0
            guard let p = fdt_getprop(base, node, name, &len), len >= 0 else { return nil }
            let bytes = UnsafeRawBufferPointer(start: p, count: Int(len))
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
