/// Exception generation (ARM DDI 0487, C4.1.65 "Exception generation"): SVC, HVC, SMC, BRK, HLT.
/// DCPS1..3 are UNDEFINED outside Debug state and stay unlisted.
///
/// Inst use: `op` = ExceptionOp; `imm` = imm16.
enum ExceptionOp: UInt8 {
    case svc, hvc, smc, brk, hlt
}

extension A64Decoder {
    static let exceptionGeneration: [Encoding] = [
        Encoding(.a64, "SVC", "11010100000iiiiiiiiiiiiiiii00001") { w in
            Inst(.exceptionGeneration, op: ExceptionOp.svc.rawValue, imm: UInt64(bits(w, 20, 5)))
        },
        Encoding(.a64, "HVC", "11010100000iiiiiiiiiiiiiiii00010") { w in
            Inst(.exceptionGeneration, op: ExceptionOp.hvc.rawValue, imm: UInt64(bits(w, 20, 5)))
        },
        Encoding(.a64, "SMC", "11010100000iiiiiiiiiiiiiiii00011") { w in
            Inst(.exceptionGeneration, op: ExceptionOp.smc.rawValue, imm: UInt64(bits(w, 20, 5)))
        },
        Encoding(.a64, "BRK", "11010100001iiiiiiiiiiiiiiii00000") { w in
            Inst(.exceptionGeneration, op: ExceptionOp.brk.rawValue, imm: UInt64(bits(w, 20, 5)))
        },
        Encoding(.a64, "HLT", "11010100010iiiiiiiiiiiiiiii00000") { w in
            Inst(.exceptionGeneration, op: ExceptionOp.hlt.rawValue, imm: UInt64(bits(w, 20, 5)))
        },
    ]
}

extension CPU {
    func executeExceptionGeneration(_ i: Inst) throws(ArchException) {
        let imm = UInt32(truncatingIfNeeded: i.imm)
        switch i.opcode(as: ExceptionOp.self) {
        case .svc:
            // The preferred return address of SVC and HVC is the next instruction (D1.10.2).
            throw ArchException(.svc(imm16: imm), returnsToNext: true)
        case .hvc:
            if el == 0 { throw ArchException.undefined }
            if !hasEL2 {
                // No EL2: HVC is the conduit to the board's firmware, as on QEMU's virt machine
                // without virtualization (its DT then says method = "hvc").
                firmware?.secureMonitorCall(cpu: self, isHVC: true)
                return
            }
            if sysregs[SysReg.HCR_EL2] & HCR.HCD != 0 { throw ArchException.undefined }
            throw ArchException(.hvc(imm16: imm), targetEL: 2, returnsToNext: true)
        case .smc:
            if el == 0 { throw ArchException.undefined }
            // HCR_EL2.TSC traps SMC from EL1 to EL2; the preferred return address of a trapped
            // SMC is the SMC itself (D1.10.2).
            if el == 1 && hasEL2 && sysregs[SysReg.HCR_EL2] & HCR.TSC != 0 {
                throw ArchException(.smc(imm16: imm), targetEL: 2)
            }
            // There is no EL3: SMC reaches the built-in firmware, which stands in for it.
            firmware?.secureMonitorCall(cpu: self, isHVC: false)
        case .brk:
            throw ArchException(.brk(imm16: imm))
        case .hlt:
            // HLT #0xF000 is the A64 semihosting trap; without a debugger any other HLT is
            // UNDEFINED (C6.2.100: halting is not allowed).
            if let f = firmware, f.halt(cpu: self, imm16: imm) { return }
            throw ArchException.undefined
        }
    }
}
