#!/bin/sh
# /init of the test initramfs: prove that userspace runs, then power off through PSCI.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
echo "armvm: userspace is up"
/bin/busybox uname -srm
/bin/busybox grep -m1 Features /proc/cpuinfo
/bin/busybox echo "CPUs online: $(/bin/busybox cat /sys/devices/system/cpu/online)"
# The PMU driver's line, which `quiet` keeps off the console.
/bin/busybox dmesg | /bin/busybox grep -i -m1 "hw perfevents"
/bin/busybox sha256sum /bin/busybox
# armvm.shell=1 on the kernel command line: a shell on the console, reading what is typed into
# armvm's stdin (the console UART's receiver), until it exits.
if /bin/busybox grep -q 'armvm\.shell=1' /proc/cmdline; then
    /bin/busybox --install -s /bin
    export PATH=/bin
    echo "armvm: shell on the console (exit to power off)"
    /bin/sh
fi
/bin/busybox poweroff -f
