// swift-tools-version:5.9
// armvm: an ARM virtualization emulator. See docs/ARCHITECTURE.md for the shape of the house.
import PackageDescription

// Release builds drop exclusivity checks on the interpreter's hot path (docs/PERFORMANCE.md,
// "Hot-path rules").
let hotPathFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

// The run loop's dispatch (CPU.run) is one switch over ~90 groups. LLVM copies a small block
// that ends in an indirect jump into its predecessors only up to a few instructions and 16
// predecessors; raised, every handler ends in its own copy of the dispatch and each indirect
// jump is predicted on its own (threaded dispatch: docs/PERFORMANCE.md).
let interpreterFlags: [SwiftSetting] = hotPathFlags + [
    .unsafeFlags(["-Xllvm", "-tail-dup-placement-threshold=8",
                  "-Xllvm", "-tail-dup-placement-aggressive-threshold=8",
                  "-Xllvm", "-tail-dup-pred-size=1000", "-Xllvm", "-tail-dup-succ-size=1000"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "armvm",
    products: [
        .executable(name: "armvm", targets: ["armvm"]),
        // The core as a library, for embedding and for benchmarks that bypass the board.
        .library(name: "ARMCore", targets: ["ARMCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Debian's libfdt-dev ships no pkg-config file: the module map links "fdt" itself.
        .systemLibrary(name: "CLibFDT", path: "Sources/CLibFDT", providers: [.apt(["libfdt-dev"])]),
        .target(name: "Bus", swiftSettings: hotPathFlags),
        .target(name: "Stage2MMU", dependencies: ["Bus"], swiftSettings: hotPathFlags),
        .target(name: "ARMCore", dependencies: ["Bus", "Stage2MMU"], swiftSettings: interpreterFlags),
        .target(name: "GIC", dependencies: ["Bus", "ARMCore"], swiftSettings: hotPathFlags),
        .target(name: "GenericTimer", dependencies: ["ARMCore"], swiftSettings: hotPathFlags),
        .target(name: "Board",
                dependencies: ["Bus", "ARMCore", "Stage2MMU", "GIC", "GenericTimer", "CLibFDT"],
                swiftSettings: hotPathFlags),
        // The run-manifest format and the runner's reports, without Foundation: shared by the CLI
        // (`armvm test`) and the Swift tests, so both read manifests with the same code.
        .target(name: "TestManifest"),
        .executableTarget(name: "armvm",
                          dependencies: ["Board", "TestManifest", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: hotPathFlags,
                          // The Swift runtime linked in, not loaded: 3 MiB less resident memory
                          // (no relocated copies of the runtime's shared-library data) and a
                          // quicker start (docs/PERFORMANCE.md, the seventeenth round).
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-l_FoundationCShims", "-l_FoundationCollections"],
                                                        .when(platforms: [.linux], configuration: .release))]),
        // libFuzzer harnesses for host input (docs/FUZZING.md): a corpus replayer in a plain build,
        // a fuzzer when built with -D FUZZING and --sanitize=fuzzer (`make fuzz-host`).
        .executableTarget(name: "armvm-fuzz", dependencies: ["Board", "Bus", "CLibFDT"]),
        // Vectors/ holds the reference vectors the tests read through #filePath, not resources.
        .testTarget(name: "ARMCoreTests", dependencies: ["ARMCore", "Bus"], exclude: ["Vectors"]),
        .testTarget(name: "Stage2MMUTests", dependencies: ["Stage2MMU", "Bus"]),
        .testTarget(name: "GenericTimerTests", dependencies: ["GenericTimer", "ARMCore", "Bus"]),
        .testTarget(name: "GICTests", dependencies: ["GIC", "ARMCore", "Bus"]),
        .testTarget(name: "BoardTests", dependencies: ["Board", "Bus", "GIC", "CLibFDT"]),
        .testTarget(name: "TestManifestTests", dependencies: ["TestManifest"]),
        .testTarget(name: "GuestTests", dependencies: ["TestManifest"]),
    ]
)
