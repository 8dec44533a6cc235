// Instructions the A32 block translator (A32BlockTranslator.swift) needs beyond the A64 one's,
// built from the assembler's low-level emitters (Intel SDM vol. 2, "Instruction Format").

extension X86Assembler {
    /// cmp dword [base + disp], imm: a guest word against the one a block was made from.
    mutating func cmpMem32(_ base: X86Reg, _ disp: Int32, _ imm: UInt32) {
        rex(w: false, rm: base.rawValue); byte(0x81); memOperand(reg: 7, base: base, disp: disp); u32(imm)
    }

    /// dst = src * imm (32 bits, IMUL r32, r/m32, imm32).
    mutating func imulImm32(_ dst: X86Reg, _ src: X86Reg, _ imm: Int32) {
        rex(w: false, reg: dst.rawValue, rm: src.rawValue); byte(0x69); regOperand(reg: dst.rawValue, rm: src.rawValue)
        u32(UInt32(bitPattern: imm))
    }

    /// CF = bit `bit` of the 32-bit `r` (BT r32, imm8).
    mutating func btImm32(_ r: X86Reg, _ bit: UInt8) {
        rex(w: false, rm: r.rawValue); byte(0x0F); byte(0xBA); regOperand(reg: 4, rm: r.rawValue); byte(bit)
    }

    /// test byte [base + disp], imm.
    mutating func testByte(_ base: X86Reg, _ disp: Int32, _ imm: UInt8) {
        rex(w: false, rm: base.rawValue); byte(0xF6); memOperand(reg: 0, base: base, disp: disp); byte(imm)
    }

    /// RDX:RAX = RAX sign-extended (CQO).
    mutating func cqo() { byte(0x48); byte(0x99) }
}
