import Stage2MMU

/// Exception classes, ESR_ELx.EC (ARM DDI 0487, D17.2.37).
@frozen public enum ExceptionClass: UInt8 {
    case unknown = 0x00
    case wfx = 0x01
    case cp15RT = 0x03      // MCR/MRC to CP15 (AArch32)
    case cp15RRT = 0x04     // MCRR/MRRC to CP15
    case cp14RT = 0x05      // MCR/MRC to CP14
    case cp14DT = 0x06      // LDC/STC to CP14
    case fpAccess = 0x07
    case cp10ID = 0x08      // VMRS of the CP10 ID registers (HCR_EL2.TID0/TID3)
    case cp14RRT = 0x0C     // MRRC to CP14
    case illegalState = 0x0E
    case svc32 = 0x11
    case hvc32 = 0x12
    case smc32 = 0x13
    case svc64 = 0x15
    case hvc64 = 0x16
    case smc64 = 0x17
    case sys64 = 0x18
    case iabtLow = 0x20
    case iabtCur = 0x21
    case pcAlignment = 0x22
    case dabtLow = 0x24
    case dabtCur = 0x25
    case spAlignment = 0x26
    case serror = 0x2F
    case breakpointLow = 0x30   // hardware breakpoint (D2.9)
    case breakpointCur = 0x31
    case softwareStepLow = 0x32 // D2.12
    case softwareStepCur = 0x33
    case watchpointLow = 0x34   // D2.10
    case watchpointCur = 0x35
    case brk64 = 0x3C

    public var name: String {
        switch self {
        case .unknown: return "UNKNOWN"
        case .wfx: return "WFx"
        case .cp15RT: return "CP15RT"
        case .cp15RRT: return "CP15RRT"
        case .cp14RT: return "CP14RT"
        case .cp14DT: return "CP14DT"
        case .cp10ID: return "CP10ID"
        case .cp14RRT: return "CP14RRT"
        case .svc32: return "SVC32"
        case .hvc32: return "HVC32"
        case .smc32: return "SMC32"
        case .fpAccess: return "FP_ACCESS"
        case .illegalState: return "ILLEGAL_STATE"
        case .svc64: return "SVC64"
        case .hvc64: return "HVC64"
        case .smc64: return "SMC64"
        case .sys64: return "SYS64"
        case .iabtLow: return "IABT_LOW"
        case .iabtCur: return "IABT_CUR"
        case .pcAlignment: return "PC_ALIGN"
        case .dabtLow: return "DABT_LOW"
        case .dabtCur: return "DABT_CUR"
        case .spAlignment: return "SP_ALIGN"
        case .serror: return "SERROR"
        case .breakpointLow: return "BREAKPOINT_LOW"
        case .breakpointCur: return "BREAKPOINT_CUR"
        case .softwareStepLow: return "SOFTSTEP_LOW"
        case .softwareStepCur: return "SOFTSTEP_CUR"
        case .watchpointLow: return "WATCHPOINT_LOW"
        case .watchpointCur: return "WATCHPOINT_CUR"
        case .brk64: return "BRK64"
        }
    }
}

/// ESR_ELx contents: EC, IL and ISS (ARM DDI 0487, D17.2.37 "ESR_EL1"), built by the named
/// constructors below and nowhere else, so each field layout is written once.
@frozen public struct Syndrome: Equatable {
    public var ec: ExceptionClass
    public var il: Bool
    public var iss: UInt32

    /// IL describes the instruction (0 for a 16-bit T32 one) rather than being RES1
    /// (D17.2.37): not for EC 0, instruction aborts, PC/SP alignment faults, illegal state,
    /// SError, the debug exceptions (breakpoint, step, watchpoint), or a data abort whose ISS
    /// is not valid (ISV, bit 24, clear).
    public var reportsInstructionLength: Bool {
        switch ec {
        case .unknown, .iabtLow, .iabtCur, .pcAlignment, .spAlignment, .illegalState, .serror,
             .breakpointLow, .breakpointCur, .softwareStepLow, .softwareStepCur, .watchpointLow, .watchpointCur:
            return false
        case .dabtLow, .dabtCur: return iss & (1 << 24) != 0
        default: return true
        }
    }

    @inlinable public init(_ ec: ExceptionClass, iss: UInt32 = 0, il: Bool = true) {
        self.ec = ec; self.iss = iss & 0x1FF_FFFF; self.il = il
    }

    /// The 64-bit ESR value.
    @inlinable public var esr: UInt64 { UInt64(ec.rawValue) << 26 | (il ? 1 << 25 : 0) | UInt64(iss) }

    public static let uncategorized = Syndrome(.unknown)
    public static let illegalState = Syndrome(.illegalState)
    public static let pcAlignment = Syndrome(.pcAlignment)
    public static let spAlignment = Syndrome(.spAlignment)

    public static func svc(imm16: UInt32) -> Syndrome { Syndrome(.svc64, iss: imm16 & 0xFFFF) }
    /// AArch32 SVC, HVC and SMC (D17.2.37: SVC32 and HVC32 carry imm16; SMC32 no immediate).
    public static func svc32(imm16: UInt32, il: Bool) -> Syndrome { Syndrome(.svc32, iss: imm16 & 0xFFFF, il: il) }
    public static func hvc32(imm16: UInt32) -> Syndrome { Syndrome(.hvc32, iss: imm16 & 0xFFFF) }
    public static func smc32() -> Syndrome { Syndrome(.smc32) }
    /// A trapped MCR/MRC (EC 0x03 or 0x05; ISS: CV, COND, Opc2, Opc1, CRn, Rt, CRm, direction)
    /// and MCRR/MRRC (EC 0x04 or 0x0C; ISS: CV, COND, Opc1, Rt2, Rt, CRm, direction), D17.2.37.
    /// Rt and Rt2 are the AArch64 view of the registers.
    public static func coprocessorMove(_ ec: ExceptionClass, cond: UInt32, opc1: UInt32, opc2: UInt32, crn: UInt32,
                                       crm: UInt32, rt: UInt32, isRead: Bool, il: Bool) -> Syndrome {
        Syndrome(ec, iss: 1 << 24 | (cond & 0xF) << 20 | (opc2 & 7) << 17 | (opc1 & 7) << 14 | (crn & 0xF) << 10
                    | (rt & 0x1F) << 5 | (crm & 0xF) << 1 | (isRead ? 1 : 0), il: il)
    }
    public static func coprocessorMove64(_ ec: ExceptionClass, cond: UInt32, opc1: UInt32, crm: UInt32, rt: UInt32,
                                         rt2: UInt32, isRead: Bool, il: Bool) -> Syndrome {
        Syndrome(ec, iss: 1 << 24 | (cond & 0xF) << 20 | (opc1 & 0xF) << 16 | (rt2 & 0x1F) << 10 | (rt & 0x1F) << 5
                    | (crm & 0xF) << 1 | (isRead ? 1 : 0), il: il)
    }
    public static func hvc(imm16: UInt32) -> Syndrome { Syndrome(.hvc64, iss: imm16 & 0xFFFF) }
    public static func smc(imm16: UInt32) -> Syndrome { Syndrome(.smc64, iss: imm16 & 0xFFFF) }
    public static func brk(imm16: UInt32) -> Syndrome { Syndrome(.brk64, iss: imm16 & 0xFFFF) }

    /// WFI/WFE trapped (ISS.CV=1, COND=0b1110, TI = 0 for WFI, 1 for WFE).
    public static func wfx(isWFE: Bool) -> Syndrome { Syndrome(.wfx, iss: 1 << 24 | 0xE << 20 | (isWFE ? 1 : 0)) }

    /// MSR, MRS or system instruction trapped (EC 0x18, D17.2.37 ISS encoding).
    public static func sysRegTrap(op0: UInt32, op1: UInt32, crn: UInt32, crm: UInt32, op2: UInt32,
                                  rt: UInt32, isRead: Bool) -> Syndrome {
        Syndrome(.sys64, iss: op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | (rt & 31) << 5 | crm << 1 | (isRead ? 1 : 0))
    }

    /// Access to FP/SIMD trapped by CPACR_EL1.FPEN or CPTR_EL2.TFP (ISS: CV=1, COND=0b1110).
    public static let fpAccessTrap = Syndrome(.fpAccess, iss: 1 << 24 | 0xE << 20)

    /// Instruction abort, taken to the current EL (the exception model turns it into IABT_LOW
    /// when the target EL is higher).
    public static func instructionAbort(_ f: FaultRecord) -> Syndrome {
        Syndrome(.iabtCur, iss: (f.s1ptw ? 1 << 7 : 0) | f.statusCode)
    }

    /// Data abort. `valid` describes a single-register load or store so that a hypervisor can
    /// emulate it (ISV=1 with SAS, SSE, SRT, SF, AR); otherwise ISV=0.
    public static func dataAbort(_ f: FaultRecord, write: Bool, cacheMaintenance: Bool = false,
                                 valid: DataAbortInfo? = nil) -> Syndrome {
        var iss = f.statusCode | (write ? 1 << 6 : 0) | (f.s1ptw ? 1 << 7 : 0) | (cacheMaintenance ? 1 << 8 : 0)
        if let v = valid {
            iss |= 1 << 24 | UInt32(v.sizeLog2 & 3) << 22 | (v.signExtend ? 1 << 21 : 0)
                | UInt32(v.rt & 31) << 16 | (v.sixtyFour ? 1 << 15 : 0) | (v.acquireRelease ? 1 << 14 : 0)
        }
        return Syndrome(.dabtCur, iss: iss)
    }

    /// The debug fault status code (DFSC/IFSC 0b100010) that the three debug classes carry.
    static let debugStatus: UInt32 = 0x22

    /// Breakpoint exception, current-EL class (D17.2.37 ISS: IFSC).
    public static let breakpoint = Syndrome(.breakpointCur, iss: debugStatus)

    /// Software step exception (ISS: ISV, EX = the stepped instruction was a load-exclusive, IFSC).
    public static func softwareStep(valid: Bool, exclusive: Bool) -> Syndrome {
        Syndrome(.softwareStepCur, iss: (valid ? 1 << 24 : 0) | (valid && exclusive ? 1 << 6 : 0) | debugStatus)
    }

    /// Watchpoint exception (ISS: CM for a cache maintenance instruction, WnR, DFSC).
    public static func watchpoint(write: Bool, cacheMaintenance: Bool) -> Syndrome {
        Syndrome(.watchpointCur, iss: (cacheMaintenance ? 1 << 8 : 0) | (write ? 1 << 6 : 0) | debugStatus)
    }
}

/// Instruction-specific syndrome of a data abort (ARM DDI 0487, D17.2.40: ISV, SAS, SSE, SRT, SF, AR).
@frozen public struct DataAbortInfo: Equatable {
    public var sizeLog2: UInt8
    public var signExtend: Bool
    public var rt: UInt8
    public var sixtyFour: Bool
    public var acquireRelease: Bool
    public init(sizeLog2: UInt8, signExtend: Bool, rt: UInt8, sixtyFour: Bool, acquireRelease: Bool) {
        self.sizeLog2 = sizeLog2; self.signExtend = signExtend; self.rt = rt
        self.sixtyFour = sixtyFour; self.acquireRelease = acquireRelease
    }
}

/// A synchronous exception raised by an executor, carried out through typed throws and taken by
/// the exception model at the instruction boundary.
@frozen public struct ArchException: Error, Equatable {
    public var syndrome: Syndrome
    /// Faulting virtual address, for FAR_ELx, when the class has one.
    public var far: UInt64?
    /// Faulting IPA, for HPFAR_EL2, when a stage-2 fault is reported.
    public var ipa: UInt64?
    /// Target exception level; nil routes the default way (ARM DDI 0487, D1.10.1).
    public var targetEL: UInt8?
    /// ELR gets the address of the next instruction (SVC, HVC) instead of this one.
    public var returnsToNext: Bool

    @inlinable public init(_ syndrome: Syndrome, far: UInt64? = nil, ipa: UInt64? = nil,
                           targetEL: UInt8? = nil, returnsToNext: Bool = false) {
        self.syndrome = syndrome; self.far = far; self.ipa = ipa; self.targetEL = targetEL
        self.returnsToNext = returnsToNext
    }

    public static let undefined = ArchException(.uncategorized)
}
