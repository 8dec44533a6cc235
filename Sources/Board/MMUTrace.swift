import ARMCore
import Stage2MMU

/// `--trace mmu`: every table walk that ends in a fault, with each descriptor it read, so a
/// student sees which level of which stage was missing and what the entry held. Walks that
/// succeed print nothing (they would drown the faults). Lines go to stderr and carry the
/// instruction count, so two runs print the same trace.
public final class MMUTrace: TranslationObserver {
    private unowned let cpu: CPU
    private let sink: TraceSink
    private var va: UInt64 = 0
    private var regimeName = ""
    /// Descriptor reads of the walk in progress: physical address, value, level, stage.
    private var reads: [(UInt64, UInt64, UInt8, UInt8)] = []

    init(cpu: CPU, sink: TraceSink) {
        self.cpu = cpu
        self.sink = sink
        reads.reserveCapacity(32)
    }

    convenience init(cpu: CPU, write: @escaping (String) -> Void) { self.init(cpu: cpu, sink: TraceSink(write: write)) }

    /// Attach one tracer to every CPU's MMU.
    public static func attach(to machine: Machine, sink: TraceSink) {
        for cpu in machine.cpus { cpu.mmu.observer = MMUTrace(cpu: cpu, sink: sink) }
    }

    public func walkBegan(va: UInt64, regime: TranslationRegime) {
        self.va = va
        switch (regime.stage1.regime, regime.stage1.enabled, regime.stage2Active) {
        case (.el2, _, _): regimeName = "EL2"
        case (.el10, true, true): regimeName = "EL1&0 stage 1+2"
        case (.el10, false, true): regimeName = "EL1&0 stage 2"
        case (.el10, _, _): regimeName = "EL1&0 stage 1"
        }
        reads.removeAll(keepingCapacity: true)
    }

    public func descriptorRead(address: UInt64, value: UInt64, level: UInt8, stage: UInt8) {
        reads.append((address, value, level, stage))
    }

    public func walkEnded(fault: FaultRecord?) {
        guard let f = fault else { return }
        let c = TraceContext.of(cpu)
        var head = "mmu \(regimeName) VA 0x\(hexDigits(va)): \(f.summary)"
        if f.secondStage { head += " IPA 0x\(hexDigits(f.ipa))" }
        if f.s1ptw { head += " (on a stage-1 table walk)" }
        sink.emit(c, kind: "mmu", head, ["va": .hex(va), "regime": .text(regimeName), "fault": .text(f.summary),
                                          "ipa": f.secondStage ? .hex(f.ipa) : .none])
        for (pa, value, level, stage) in reads {
            let kind = Self.describe(value, level: level)
            sink.emit(c, kind: "mmu-descriptor", "mmu   s\(stage) L\(level) @0x\(hexDigits(pa)) = 0x\(hexDigits(value, width: 16)) \(kind)",
                      ["stage": .int(UInt64(stage)), "level": .int(UInt64(level)), "address": .hex(pa),
                       "descriptor": .hex(value), "type": .text(kind)])
        }
    }

    /// What a VMSAv8-64 descriptor is, by its low two bits (D8.3.1): invalid, block, table or page.
    static func describe(_ d: UInt64, level: UInt8) -> String {
        switch d & 3 {
        case 0, 2: return "invalid"
        case 1: return level == 3 ? "reserved" : "block"
        default: return level == 3 ? "page" : "table"
        }
    }
}
