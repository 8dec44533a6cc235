// Stage2MMU owns translation: the stage-1 and stage-2 regimes, their walks, TLBs and the
// fault records they produce. It knows no instructions and no CPU; ARMCore asks it to
// translate and turns its fault records into syndromes.

/// The kinds of translation-stage fault, encoded as the Arm ARM's DFSC/IFSC
/// (ARM DDI 0487, D17.2.40 ESR_ELx, ISS encoding for an exception from a Data Abort).
@frozen public enum FaultKind: UInt8 {
    case addressSize = 0b000000     // + level
    case translation = 0b000100     // + level
    case accessFlag = 0b001000      // + level
    case permission = 0b001100      // + level
    case synchronousExternal = 0b010000
    case synchronousExternalOnWalk = 0b010100  // + level
    case alignment = 0b100001
    case tlbConflict = 0b110000
    /// Short-descriptor domain fault, + level (1 section, 2 page): the codes the Arm ARM gives
    /// it where a 64-bit status must hold it (PAR_EL1.FST 0b111101 and 0b111110).
    case domain = 0b111100
}

/// One translation fault, as the walker or the bus reports it.
@frozen public struct FaultRecord: Equatable {
    public var kind: FaultKind
    /// Lookup level 0..3 for the level-encoded kinds.
    public var level: UInt8
    /// The fault happened in stage 2 (it goes to EL2 with HPFAR).
    public var secondStage: Bool
    /// The fault happened on a stage-2 translation of a stage-1 table walk (ISS.S1PTW).
    public var s1ptw: Bool
    /// Intermediate physical address of the faulting access, for HPFAR_EL2.
    public var ipa: UInt64

    public init(kind: FaultKind, level: UInt8 = 0, secondStage: Bool = false, s1ptw: Bool = false, ipa: UInt64 = 0) {
        self.kind = kind; self.level = level; self.secondStage = secondStage; self.s1ptw = s1ptw; self.ipa = ipa
    }

    /// The 6-bit fault status code (DFSC/IFSC).
    @inlinable public var statusCode: UInt32 {
        switch kind {
        case .addressSize, .translation, .accessFlag, .permission, .synchronousExternalOnWalk, .domain:
            return UInt32(kind.rawValue) | UInt32(level & 3)
        default:
            return UInt32(kind.rawValue)
        }
    }

    public var summary: String {
        let stage = secondStage ? "stage-2 " : ""
        switch kind {
        case .addressSize: return "\(stage)address size fault L\(level)"
        case .translation: return "\(stage)translation fault L\(level)"
        case .accessFlag: return "\(stage)access flag fault L\(level)"
        case .permission: return "\(stage)permission fault L\(level)"
        case .synchronousExternal: return "synchronous external abort"
        case .synchronousExternalOnWalk: return "synchronous external abort on walk L\(level)"
        case .alignment: return "alignment fault"
        case .tlbConflict: return "TLB conflict abort"
        case .domain: return "domain fault L\(level)"
        }
    }
}
