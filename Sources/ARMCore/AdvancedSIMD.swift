/// Advanced SIMD (ARM DDI 0487, C4.1 "Data Processing -- Scalar Floating-Point and Advanced
/// SIMD", the Advanced SIMD classes). Filled in by the SIMD work.
extension A64Decoder {
    static let advancedSIMD: [Encoding] = []
}

extension CPU {
    @inline(__always)
    func executeAdvancedSIMD(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
