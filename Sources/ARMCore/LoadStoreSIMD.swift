/// Loads and stores of SIMD&FP registers (V = 1): single register in every addressing form,
/// pairs, literal, and the structure loads and stores LD1-LD4/ST1-LD4 (ARM DDI 0487, C4.1
/// "Loads and Stores"). Filled in by the SIMD load/store work.
extension A64Decoder {
    static let loadStoreSIMD: [Encoding] = []
}

extension CPU {
    @inline(__always)
    func executeLoadStoreSIMD(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
