#!/usr/bin/env python3
"""Writes the synthetic seed corpus of armvm-fuzz (docs/FUZZING.md) into Fuzz/corpus/<harness>/.

Seeds are small, made here from the formats' specs, and deterministic: run it again and git
shows no change. It replaces only the files it makes (seed-*); findings (finding-*), which a
person adds by hand, stay. Needs dtc (device-tree-compiler) for the dtb seeds.
"""
import gzip
import os
import struct
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
RAM = 0x4000_0000  # both boards' RAM base (Sources/Board/Boards/)

# AArch64 code for the images: mov x0, #0; hvc #0; b . (little-endian words).
CODE = struct.pack("<3I", 0xD2800000, 0xD4000002, 0x14000000)


def elf64(segments, entry, e_type=2, machine=183, data=1, cls=2):
    """An ELF64 file (System V gABI): header, program headers, then each segment's bytes.
    segments: (p_type, paddr, vaddr, bytes, memsz)."""
    ehsize, phentsize = 64, 56
    offset = ehsize + phentsize * len(segments)
    phdrs, body = b"", b""
    for p_type, paddr, vaddr, blob, memsz in segments:
        phdrs += struct.pack("<IIQQQQQQ", p_type, 5, offset + len(body), vaddr, paddr,
                             len(blob), memsz, 0x10000)
        body += blob
    ident = b"\x7fELF" + bytes([cls, data, 1, 0]) + bytes(8)
    header = ident + struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, entry,
                                 ehsize if segments else 0, 0, 0, ehsize, phentsize,
                                 len(segments), 64, 0, 0)
    return header + phdrs + body


def elf32_arm():
    """An ELF32 header for a 32-bit Arm executable (armvm refuses these)."""
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, 0x8000, 52, 0, 0x5000200, 52, 32, 0, 40, 0, 0)


def arm64_image(text_offset=0x80000, image_size=0x10000, flags=0b1010, efi=False, payload=CODE):
    """An arm64 Linux Image (Documentation/arch/arm64/booting.rst section 4): code0, code1,
    text_offset, image_size, flags, res2-4, magic "ARM\\x64" at 0x38, res5 (PE offset)."""
    code0 = 0x91005A4D if efi else 0x14000010  # "MZ" as add x13, x18, #0x16; or b +0x40
    header = struct.pack("<IIQQQQQQII", code0, 0x14000000, text_offset, image_size, flags,
                         0, 0, 0, 0x644D5241, 0x40 if efi else 0)
    pe = b"PE\0\0" + bytes(20) if efi else b""
    return header + pe + payload


def zimage_arm32():
    """An Arm32 zImage (arch/arm/boot/compressed/head.S): 8 nops, a branch, the magic 0x016F2818
    at 0x24, start and end addresses, then the endianness word 0x04030201."""
    body = struct.pack("<8I", *([0xE1A00000] * 8)) + struct.pack("<I", 0xEA000006)
    body += struct.pack("<IIII", 0x016F2818, 0, 0x100, 0x04030201)
    return body + bytes(0x100 - len(body))


def efi_zboot(payload):
    """An arm64 EFI zboot image (drivers/firmware/efi/libstub/zboot-header.S): "MZ", "zimg" at
    4, payload offset and size at 8 and 12, the compression name at 0x18, PE offset at 0x3C."""
    offset = 0x80
    header = b"MZ\0\0" + b"zimg" + struct.pack("<II", offset, len(payload)) + bytes(8)
    header += b"gzip".ljust(0x3C - 0x18, b"\0") + struct.pack("<I", 0x40) + b"PE\0\0"
    return header.ljust(offset, b"\0") + payload


def image_seeds():
    load = RAM + 0x80000
    two_segments = [
        (1, RAM + 0x100000, 0xFFFF_0000_0000_0000, CODE, len(CODE)),
        (1, RAM + 0x200000, 0xFFFF_0000_0010_0000, b"\xAA" * 16, 0x1000),
    ]
    small_image = arm64_image()
    return {
        "seed-elf64-exec": elf64([(1, load, load, CODE, len(CODE))], load),
        "seed-elf64-bss": elf64([(1, load, load, CODE, 0x2000)], load),
        "seed-elf64-virtual-entry": elf64(two_segments, 0xFFFF_0000_0000_0004),
        "seed-elf64-dyn-with-note": elf64([(4, 0, 0, b"note", 4), (1, load, load, CODE, 12)], load, e_type=3),
        "seed-elf64-no-segments": elf64([], load),
        "seed-elf64-big-endian": elf64([(1, load, load, CODE, 12)], load, data=2),
        "seed-elf64-x86-64": elf64([(1, load, load, CODE, 12)], load, machine=62),
        "seed-elf64-relocatable": elf64([(1, load, load, CODE, 12)], load, e_type=1),
        "seed-elf32-arm": elf32_arm(),
        "seed-arm64-image": small_image,
        "seed-arm64-image-efi-stub": arm64_image(efi=True),
        "seed-arm64-image-text-offset-0": arm64_image(text_offset=0),
        "seed-arm64-image-legacy-size-0": arm64_image(image_size=0),
        "seed-arm64-image-big-endian": arm64_image(flags=0b1011),
        "seed-raw": CODE * 4,
        "seed-zimage-arm32": zimage_arm32(),
        "seed-zimage-arm64-efi-zboot": efi_zboot(gzip.compress(small_image, mtime=0)),
        "seed-zimage-arm64-image-gz": gzip.compress(small_image, mtime=0),
    }


DTS = {
    "seed-minimal": """
/ { #address-cells = <2>; #size-cells = <2>; compatible = "linux,dummy-virt";
    memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x800000>; }; };""",
    "seed-virt-like": """
/memreserve/ 0x40000000 0x1000;
/ { #address-cells = <2>; #size-cells = <2>; compatible = "linux,dummy-virt"; interrupt-parent = <&gic>;
    aliases { serial0 = &uart; };
    chosen { stdout-path = "serial0:115200n8"; bootargs = "quiet"; };
    cpus { #address-cells = <1>; #size-cells = <0>;
        cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a57"; reg = <0>; enable-method = "psci"; }; };
    psci { compatible = "arm,psci-1.0", "arm,psci-0.2"; method = "hvc"; };
    memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x800000>; };
    gic: interrupt-controller@8000000 { compatible = "arm,cortex-a15-gic"; #interrupt-cells = <3>;
        interrupt-controller; reg = <0 0x8000000 0 0x10000>, <0 0x8010000 0 0x10000>; };
    timer { compatible = "arm,armv8-timer"; interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>; };
    uart: pl011@9000000 { compatible = "arm,pl011", "arm,primecell"; reg = <0 0x9000000 0 0x1000>;
        interrupts = <0 1 4>; }; };""",
    "seed-chosen-with-initrd": """
/ { #address-cells = <2>; #size-cells = <2>;
    chosen { linux,initrd-start = <0 0x40400000>; linux,initrd-end = <0 0x40500000>; bootargs = ""; }; };""",
    "seed-chosen-has-domU1": """
/ { #address-cells = <1>; #size-cells = <1>;
    chosen { #address-cells = <1>; #size-cells = <1>;
        domU1 { compatible = "xen,domain"; memory = <0 0x4000>; cpus = <1>; }; }; };""",
    "seed-root-only": "/ { };",
}


def dtb_seeds():
    out = {}
    for name, body in DTS.items():
        # One version-16 blob, which armvm refuses (it edits 17 only: DeviceTree.swift).
        for version in ((17, 16) if name == "seed-minimal" else (17,)):
            src = "/dts-v1/;\n" + body.strip() + "\n"
            blob = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-V", str(version), "-o", "-"],
                                  input=src.encode(), capture_output=True, check=True).stdout
            out[name if version == 17 else name + "-v16"] = blob
    return out


def option_seeds():
    lines = {
        "seed-guest-plain": "hello-xen.img",
        "seed-guest-full": "linux,memory=256M,cpus=2,bootargs=console=ttyAMA0,115200 earlycon",
        "seed-dom0-and-guest": "dom0,kind=kernel,bootargs=console=hvc0 root=/dev/ram\nrd,kind=ramdisk\n"
                               "domu,memory=64MiB,cpus=1",
        "seed-sizes": "512M\n1G\n64k\n4096\n2TiB\n18446744073709551615\n17179869184G",
        "seed-bad-keys": "x,cpus=9\nx,kind=kernel,kind=ramdisk\n,memory=1M\nx,foo\nx,memory=4097",
        "seed-unicode": "g\u00e9st,bootargs=\u00e9\u00e9,memory=1m",
    }
    return {k: v.encode() for k, v in lines.items()}


def gdb_frame(body):
    """One remote-protocol packet: $body#checksum (the sum of the body's bytes mod 256)."""
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


def gdb_seeds():
    session = [b"qSupported:multiprocess+;swbreak+;hwbreak+", b"QStartNoAckMode", b"?", b"g", b"p20",
               b"m40000000,40", b"M40001000,4:1f2003d5", b"X40001004,0:", b"Z0,40000000,4",
               b"s", b"z0,40000000,4", b"qXfer:features:read:target.xml:0,400", b"c"]
    odd = [b"m40200000,-1", b"qXfer:features:read:target.xml:7fffffffffffffff,7fffffffffffffff",
           b"qXfer:features:read:target.xml:-10,10", b"Mzz,2:gg", b"P1f=0102", b"G00", b"Z1,,"]
    return {
        "seed-session": b"+" + b"+".join(gdb_frame(p) for p in session),
        "seed-odd-fields": b"".join(gdb_frame(p) for p in odd),
        "seed-bad-checksum": b"$g#00$?#3f\x03",
        "seed-interrupt": b"\x03" + gdb_frame(b"c") + b"\x03",
    }


def write(harness, seeds):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        if old.startswith("seed-") and old not in seeds:
            os.remove(os.path.join(d, old))
    for name, blob in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(blob)
    print(f"{harness}: {len(seeds)} seeds in {os.path.relpath(d, ROOT)}")


def main():
    write("image", image_seeds())
    write("dtb", dtb_seeds())
    write("boot-options", option_seeds())
    write("gdb-packet", gdb_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
