import ARMCore
