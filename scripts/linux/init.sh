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
# The events Linux's PMUv3 driver found in PMCEID0/1 (no such PMU under Xen or on armhf).
events=/sys/bus/event_source/devices/armv8_pmuv3/events
[ -d $events ] && echo "PMU events: $(/bin/busybox ls $events | /bin/busybox tr '\n' ' ')"
/bin/busybox sha256sum /bin/busybox
# armvm.disk=write|read (the virtio-blk boots of boot-debian.sh): load the virtio-mmio,
# virtio-blk and ext4 modules this initramfs carries, show the NUMA nodes, then mount the ext4
# disk /dev/vda and make it the root: its /sbin/init (disk-init.sh) writes a file (synced
# before power-off) or reads that file back.
disk=$(/bin/busybox sed -n 's/.*armvm\.disk=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ -n "$disk" ]; then
    for m in virtio_mmio virtio_blk crc16 mbcache jbd2 crc32c_generic ext4; do
        /bin/busybox insmod /lib/modules/$m.ko || echo "armvm: insmod $m failed"
    done
    /bin/busybox mount -t devtmpfs dev /dev
    # With --virtio-console and --virtio-rng: a line through hvc0, and the first bytes of the
    # seeded entropy source (the same in every boot with the same --rng-seed).
    for m in virtio_console virtio-rng; do
        [ -f /lib/modules/$m.ko ] && /bin/busybox insmod /lib/modules/$m.ko
    done
    [ -c /dev/hvc0 ] && echo "armvm: hello through hvc0" >/dev/hvc0
    [ -c /dev/hwrng ] && echo "hwrng: $(/bin/busybox head -c 16 /dev/hwrng | /bin/busybox od -An -tx1 | /bin/busybox tr -d ' \n')"
    echo "NUMA nodes: $(/bin/busybox ls -d /sys/devices/system/node/node* | /bin/busybox tr '\n' ' ')"
    /bin/busybox mount -t ext4 /dev/vda /mnt && echo "armvm: mounted /dev/vda"
    /bin/busybox umount /proc /sys /dev
    exec /bin/busybox switch_root /mnt /sbin/init "$disk"
fi
# armvm.shell=1 on the kernel command line: a shell on the console, reading what is typed into
# armvm's stdin (the console UART's receiver), until it exits.
if /bin/busybox grep -q 'armvm\.shell=1' /proc/cmdline; then
    /bin/busybox --install -s /bin
    export PATH=/bin
    echo "armvm: shell on the console (exit to power off)"
    /bin/sh
fi
/bin/busybox poweroff -f
