// STUB: replaced by the LoadStore group implementation.
extension A64Decoder {
    public static let loadsAndStores: [Encoding] = []
}
extension CPU {
    @inline(__always) func executeLoadStore(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
