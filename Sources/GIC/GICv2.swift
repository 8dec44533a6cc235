// GIC: interrupt controllers (GICv2 now; GICv3 with the interrupts issue). Knows no CPU internals.
import Bus
