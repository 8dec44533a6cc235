// STUB: replaced by the DataProcessingRegister group implementation.
extension A64Decoder {
    public static let dataProcessingRegister: [Encoding] = []
}
extension CPU {
    @inline(__always) func executeDataProcessingRegister(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
