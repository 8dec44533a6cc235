/// The CPUs of one machine as TLB maintenance sees them: an Inner Shareable TLBI on one CPU
/// invalidates the matching entries of every CPU here (ARM DDI 0487, D8.13.4). Each CPU holds
/// its domain strongly and the domain holds its CPUs unowned: the machine owns the CPUs.
public final class ShareabilityDomain {
    private struct Member { unowned let cpu: CPU }
    private var members: [Member] = []

    /// Joins `cpus` into one domain.
    public init(cpus: [CPU]) {
        members = cpus.map { Member(cpu: $0) }
        for cpu in cpus { cpu.shareabilityDomain = self }
    }

    var cpus: [CPU] { members.map(\.cpu) }
    /// How many CPUs share the domain (without building `cpus`).
    var count: Int { members.count }
}
