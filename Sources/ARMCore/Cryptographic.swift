/// The cryptographic extension: AES, SHA1, SHA256 (ARM DDI 0487, C4.1 "Cryptographic AES",
/// "Cryptographic three-register SHA", "Cryptographic two-register SHA").
extension A64Decoder {
    static let cryptographic: [Encoding] = []
}

extension CPU {
    @inline(__always)
    func executeCryptographic(_ i: Inst) throws(ArchException) { throw ArchException.undefined }
}
