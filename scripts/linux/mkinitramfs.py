#!/usr/bin/env python3
"""Write a tiny initramfs (cpio "newc", as the kernel's Documentation/driver-api/early-userspace
describes) holding Debian's static busybox and an /init script, without root rights or mknod:
device nodes are written straight into the archive.

usage: mkinitramfs.py BUSYBOX INIT_SCRIPT OUT.cpio [FILE ...]
Each extra FILE (kernel modules, for the virtio-blk boot) goes into /lib/modules under its name.
"""
import os
import sys


def entry(out, ino, name, mode, data=b"", rdev=(0, 0), nlink=1):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    out += b"070701" + b"".join(b"%08X" % f for f in fields)
    out += name_b
    out += b"\0" * (-(110 + len(name_b)) % 4)
    out += data
    out += b"\0" * (-len(data) % 4)


def main():
    busybox, init, path = sys.argv[1:4]
    extra = sys.argv[4:]
    bb = open(busybox, "rb").read()
    script = open(init, "rb").read()
    out = bytearray()
    ino = 1
    for d in ["bin", "dev", "proc", "sys"] + (["mnt", "lib", "lib/modules"] if extra else []):
        entry(out, ino, d, 0o040755, nlink=2); ino += 1
    for f in extra:
        entry(out, ino, "lib/modules/" + os.path.basename(f), 0o100644, open(f, "rb").read()); ino += 1
    entry(out, ino, "dev/console", 0o020600, rdev=(5, 1)); ino += 1
    entry(out, ino, "bin/busybox", 0o100755, bb); ino += 1
    entry(out, ino, "bin/sh", 0o120777, b"busybox"); ino += 1
    entry(out, ino, "init", 0o100755, script); ino += 1
    entry(out, 0, "TRAILER!!!", 0)
    out += b"\0" * (-len(out) % 512)
    open(path, "wb").write(out)


if __name__ == "__main__":
    main()
