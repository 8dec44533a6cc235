/// Scalar floating point (ARM DDI 0487, C4.1 "Data Processing -- Scalar Floating-Point and
/// Advanced SIMD", the floating-point classes). Filled in by the FP work.
extension A64Decoder {
    static let floatingPoint: [Encoding] = []
}

extension CPU {
    @inline(__always)
    func executeFloatingPoint(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
