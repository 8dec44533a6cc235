#!/bin/sh
# /init of the test initramfs: prove that userspace runs, then power off through PSCI.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
echo "armvm: userspace is up"
/bin/busybox uname -srm
/bin/busybox grep -m1 Features /proc/cpuinfo
/bin/busybox echo "CPUs online: $(/bin/busybox cat /sys/devices/system/cpu/online)"
/bin/busybox sha256sum /bin/busybox
/bin/busybox poweroff -f
