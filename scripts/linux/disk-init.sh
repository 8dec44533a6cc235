#!/bin/busybox sh
# /sbin/init of the ext4 disk image of boot-debian.sh: the initramfs's /init switches the root
# to /dev/vda and runs this with armvm.disk's value (write or read) as $1.
/bin/busybox mount -t proc proc /proc
echo "armvm: the root is $(/bin/busybox awk '$2 == "/" && $3 == "ext4" {print $1 " (" $3 ")"}' /proc/mounts)"
if [ "$1" = write ]; then
    echo "written by the guest: $((6*7))" >/guest.txt
    /bin/busybox sync
fi
echo "disk: host.txt: $(/bin/busybox cat /host.txt)"
echo "disk: guest.txt: $(/bin/busybox cat /guest.txt 2>&1)"
# armvm.shell=1: a shell on the console, running from the disk (busybox's applets are linked
# into the disk's /bin the first time), until it exits.
if /bin/busybox grep -q 'armvm\.shell=1' /proc/cmdline; then
    [ -e /bin/sh ] || /bin/busybox --install -s /bin
    export PATH=/bin
    echo "armvm: shell on the console, root on /dev/vda (exit to power off)"
    /bin/sh
fi
# Read-only before power-off: the journal is flushed and the file system marked clean.
/bin/busybox mount -o remount,ro / && echo "armvm: root remounted read-only"
/bin/busybox poweroff -f
