import ARMCore
import CLibFDT
