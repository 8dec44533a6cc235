// STUB: replaced by the DataProcessingImmediate group implementation.
extension A64Decoder {
    public static let dataProcessingImmediate: [Encoding] = []
}
extension CPU {
    @inline(__always) func executeDataProcessingImmediate(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
