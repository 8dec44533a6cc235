#!/usr/bin/env python3
"""armvm's benchmark suite, run side by side with QEMU.

Every benchmark is one bare-metal guest from Guests/ that runs unchanged under
`armvm run --board virt` and `qemu-system-aarch64 -M virt -cpu cortex-a57`.
For each one the two emulators run alternately (A B A B ...); the table gives
the median wall time of each, the ratio armvm/QEMU, armvm's guest instructions
per second (from `armvm --stats`) and the peak RSS of each (the child's own
rusage from os.wait4). Every run's console output is checked, so a fast wrong
answer fails the suite. The speed goals (docs/PERFORMANCE.md) are printed as
met / not met.

    make bench              # full sizes, 5 runs each, table also to docs/PERFORMANCE.md
    make bench QUICK=1      # small sizes, 1 run each, well under a minute

Without qemu-system-aarch64 the QEMU columns read "n/a" and the run still
passes. Python 3 standard library only.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "Guests", "build")
DOC = os.path.join(ROOT, "docs", "PERFORMANCE.md")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
MASK64 = (1 << 64) - 1


# ---- Expected outputs, computed here, not copied from an emulator ----------

def loop_reference(n):
    """Guests/loop.c's kernel in Python (slow: about 1 s per 5e6 iterations)."""
    k, x, s, i = 6364136223846793005, 0x1234, 0, n
    while i:
        x = (x * k + i) & MASK64
        x ^= x >> 29
        s = (s + x) & MASK64
        i -= 1
    return "loop: 0x%016x\n" % (x ^ s)


# loop_reference() of these counts, precomputed because 2e8 iterations take
# minutes in Python; `bench.py --verify-loop` recomputes them.
LOOP_EXPECTED = {
    1000000: "loop: 0x458003c18725cfa0\n",
    200000000: "loop: 0x8f2c4edeaf3d5d00\n",
}


def crc_expected(passes):
    """Guests/bench/crc.c: CRC-32 of its 64 KiB LCG buffer repeated `passes` times."""
    x, buf = 1, bytearray(65536)
    for i in range(65536):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK64
        buf[i] = x >> 56
    c = 0
    for _ in range(passes):
        c = zlib.crc32(buf, c)
    return "crc: %d x 65536 bytes, crc32 0x%08x\n" % (passes, c)


def mmu_expected(passes):
    """Guests/bench/mmu.c: every one of 65,536 pages read once per pass."""
    s = 0
    for v in range(65536):
        s += (((v % 16) + 1) * 0x9E3779B97F4A7C15 & MASK64) ^ (v % 512)
    return "mmu: %d x 65536 touches of 65536 pages, sum 0x%016x ok\n" % (passes, (s * passes) & MASK64)


def read_expected(name):
    with open(os.path.join(ROOT, "Guests", "expected", name)) as f:
        return f.read()


# ---- The benchmarks --------------------------------------------------------

class Bench:
    def __init__(self, key, title, image, count=None, el=2, armvm_args=(), qemu=True,
                 expect=None, expect_re=None, note=""):
        self.key, self.title, self.image, self.count, self.el = key, title, image, count, el
        self.armvm_args, self.qemu, self.note = list(armvm_args), qemu, note
        self.expect, self.expect_re = expect, expect_re

    def image_path(self):
        return os.path.join(BUILD, self.image)

    def armvm_cmd(self, armvm):
        cmd = [armvm, "run", "--board", "virt", "--stats"]
        if self.el == 1:
            cmd += ["--el", "1"]
        if self.count is not None:
            cmd += ["--append", str(self.count)]
        return cmd + self.armvm_args + [os.path.join(BUILD, self.image)]

    def qemu_cmd(self, qemu):
        machine = "virt" if self.el == 1 else "virt,virtualization=on"
        cmd = [qemu, "-M", machine, "-cpu", "cortex-a57", "-m", "512", "-nographic",
               "-kernel", os.path.join(BUILD, self.image)]
        if self.count is not None:
            cmd += ["-append", str(self.count)]
        return cmd

    def check(self, out):
        """None when the console output is right, else what was wrong."""
        if self.expect is not None and out != self.expect:
            return "expected %r, got %r" % (self.expect[-200:], out[-200:])
        if self.expect_re is not None and not re.fullmatch(self.expect_re, out):
            return "output %r does not match %r" % (out[-200:], self.expect_re)
        return None


def benchmarks(quick):
    q = quick
    loop_n = 1000000 if q else 200000000
    crc_n = 20 if q else 2180
    hvc_n = 10000 if q else 1000000
    mmu_n = 2 if q else 100
    tick_n = 1000 if q else 100000
    guest = os.path.join(BUILD, "hello-xen.elf")
    return [
        Bench("hello", "(a) hello: start-up to exit", "hello.elf",
              expect_re=r"Hello from EL2 on [^\n]+\nMemory: 512 MiB at 0x40000000\n"),
        Bench("loop", "(b) integer loop, %.0e instructions" % (5 * loop_n),
              "loop-small.elf" if q else "bench/loop-1e9.elf", expect=LOOP_EXPECTED[loop_n]),
        Bench("crc", "(c) table-driven CRC-32, %d x 64 KiB" % crc_n, "bench/crc.elf",
              count=crc_n, expect=crc_expected(crc_n)),
        Bench("hvc", "(d) HVC round trips EL1->EL2->EL1, %d" % hvc_n, "hvc-bench.elf",
              count=hvc_n, expect="hvc-bench: %d HVC round trips from EL1 to an EL2 stub\n" % hvc_n),
        Bench("mmu", "(e) MMU on, 65,536 pages, %d x 65,536 touches" % mmu_n, "bench/mmu.elf",
              count=mmu_n, el=1, expect=mmu_expected(mmu_n)),
        Bench("vtimer", "(f) virtual timer IRQ every 10 us at EL1, %d" % tick_n, "bench/vtimer.elf",
              count=tick_n, el=1,
              expect="vtimer: %d interrupts, 10 us apart, INTID 27\n" % tick_n),
        Bench("minihyp", "(g) minihyp with two hello-xen guests", "minihyp.elf",
              armvm_args=["--guest", guest, "--guest", guest], qemu=False,
              expect=read_expected("minihyp-virt.txt"),
              note="QEMU cannot create the /chosen dom0less guest nodes that armvm's --guest writes"),
    ]


# ---- Debian's Linux and Xen, booted to /init's last line --------------------
#
# The same kernel, Xen and initramfs as scripts/linux/boot-debian*.sh (downloaded by `make
# linux` into .build-linux/); /init prints "armvm: userspace is up", the online CPUs and the
# SHA-256 of busybox computed in the guest, then powers off through PSCI, which ends both
# emulators. QEMU gets Xen's dom0 kernel and initramfs through its guest-loader device, the
# counterpart of armvm's --module.

LINUX = os.path.join(ROOT, ".build-linux")


def busybox_sha(arch_dir):
    import hashlib
    try:
        with open(os.path.join(arch_dir, "busybox"), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return "(no busybox)"


class Boot(Bench):
    """A boot of Debian's software: `armvm` and `qemu` are the argument lists after the
    emulator's name; `qemu_exe` names which QEMU runs it."""

    def __init__(self, key, title, files, armvm, qemu, qemu_exe, online, arch_dir):
        Bench.__init__(self, key, title, files[-1], expect_re=None)
        self.files, self.armvm, self.qemu_args, self.qemu_exe = files, armvm, qemu, qemu_exe
        self.online, self.sha = online, busybox_sha(arch_dir)
        self.boot = True

    def image_path(self):
        return self.files[-1]

    def missing(self):
        return [f for f in self.files if not os.path.exists(f)]

    def armvm_cmd(self, armvm):
        return [armvm, "run", "--stats"] + self.armvm

    def qemu_cmd(self, qemu):
        exe = shutil.which(self.qemu_exe)
        return [exe] + self.qemu_args if exe else None

    def check(self, out):
        for want in ("armvm: userspace is up", "CPUs online: %s" % self.online, self.sha):
            if want not in out:
                return "no %r in the console output (last lines: %r)" % (want, out[-300:])
        return None


def boots():
    a64, a32 = LINUX, os.path.join(LINUX, "armhf")
    image, xen, initrd = (os.path.join(a64, f) for f in ("Image", "xen", "initrd.cpio"))
    zimage, xen32, initrd32 = (os.path.join(a32, f) for f in ("zImage", "xen", "initrd.cpio"))
    quiet = "console=ttyAMA0 panic=-1 quiet"
    dom0 = "console=hvc0 panic=-1 quiet"
    # QEMU's virt DT has no serial0 alias: Xen is given the UART's path there.
    def xen_args(dom0_mem, qemu=False):
        return "console=dtuart dtuart=%s dom0_mem=%s" % ("/pl011@9000000" if qemu else "serial0", dom0_mem)

    def qemu_common(cpu, gic, smp, mem):
        return ["-M", "virt,virtualization=on,gic-version=%d" % gic, "-cpu", cpu, "-smp", str(smp),
                "-m", mem, "-nographic", "-no-reboot"]

    def xen_qemu(cpu, gic, smp, xen_image, kernel, ramdisk, mem, dom0_mem="512M"):
        # guest-loader puts the dom0 kernel and initramfs in RAM and writes Xen's
        # /chosen/module@ nodes, as armvm's --module does.
        return qemu_common(cpu, gic, smp, mem) + [
            "-kernel", xen_image, "-append", xen_args(dom0_mem, qemu=True),
            "-device", "guest-loader,addr=0x49000000,kernel=%s,bootargs=%s" % (kernel, dom0),
            "-device", "guest-loader,addr=0x4d000000,initrd=%s" % ramdisk]

    def xen_armvm(smp, gic, xen_image, kernel, ramdisk, mem, dom0_mem="512M"):
        return ["--board", "virt", "--smp", str(smp), "--gic", str(gic), "--memory", mem,
                "--append", xen_args(dom0_mem),
                "--module", "%s,kind=kernel,bootargs=%s" % (kernel, dom0),
                "--module", "%s,kind=ramdisk" % ramdisk, xen_image]

    return [
        Boot("linux", "(i) Debian arm64 kernel + busybox /init, virt, 1 CPU at EL2",
             [initrd, image],
             ["--board", "virt", "--memory", "1G", "--initrd", initrd, "--append", quiet, image],
             qemu_common("cortex-a57", 2, 1, "1G") + ["-kernel", image, "-initrd", initrd, "-append", quiet],
             "qemu-system-aarch64", "0", a64),
        Boot("xen", "(j) Xen 4.17 + Debian dom0 to /init, virt, 1 CPU, GICv2",
             [image, initrd, xen],
             xen_armvm(1, 2, xen, image, initrd, "2G"),
             xen_qemu("cortex-a57", 2, 1, xen, image, initrd, "2G"),
             "qemu-system-aarch64", "0", a64),
        Boot("xen-smp", "(k) the same with --smp 2 --gic 3",
             [image, initrd, xen],
             xen_armvm(2, 3, xen, image, initrd, "2G"),
             xen_qemu("cortex-a57", 3, 2, xen, image, initrd, "2G"),
             "qemu-system-aarch64", "0", a64),
        # --threads: a host thread per guest CPU (not deterministic, docs/ARCHITECTURE.md
        # "Threads"); QEMU 7.2 runs this guest multi-threaded (MTTCG) by default too.
        Boot("xen-smp-threads", "(k') the same with --threads",
             [image, initrd, xen],
             xen_armvm(2, 3, xen, image, initrd, "2G")[:-1] + ["--threads", xen],
             xen_qemu("cortex-a57", 3, 2, xen, image, initrd, "2G"),
             "qemu-system-aarch64", "0", a64),
        Boot("linux32", "(l) Debian armhf LPAE kernel + busybox /init, Cortex-A15 in Hyp mode, virt",
             [initrd32, zimage],
             ["--board", "virt", "--memory", "512M", "--initrd", initrd32, "--append", quiet, zimage],
             qemu_common("cortex-a15", 2, 1, "512M") + ["-kernel", zimage, "-initrd", initrd32,
                                                        "-append", quiet],
             "qemu-system-arm", "0", a32),
        Boot("xen32", "(m) Xen 4.17 armhf + Debian armhf dom0 to /init, virt",
             [zimage, initrd32, xen32],
             xen_armvm(1, 2, xen32, zimage, initrd32, "1G", "256M"),
             xen_qemu("cortex-a15", 2, 1, xen32, zimage, initrd32, "1G", "256M"),
             "qemu-system-arm", "0", a32),
    ]


# ---- Running one emulator once ---------------------------------------------

class Run:
    def __init__(self, wall, rss_kib, status, out, err):
        self.wall, self.rss_kib, self.status, self.out, self.err = wall, rss_kib, status, out, err


def run_once(cmd, timeout):
    """Wall time, peak RSS (this child's own ru_maxrss, from wait4), exit status, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                             start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_maxrss, p.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def instructions(stderr):
    m = re.search(r"armvm: (\d+) instructions in", stderr)
    return int(m.group(1)) if m else None


# ---- Host instructions per guest instruction ---------------------------------

# The window: 1e7 guest instructions starting at the run's 2e7th (or its second half when the
# run is shorter). Under callgrind armvm runs about 50 times slower, so a window late in a
# 1e9-instruction boot would take most of an hour.
IR_WINDOW = 10_000_000
IR_START = 20_000_000


def callgrind_ir(cmd, timeout):
    """Host instructions (callgrind's Ir) of one run, or None."""
    try:
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    m = re.search(rb"Collected : (\d+)", r.stderr)
    return int(m.group(1)) if m else None


def ir_per_instruction(b, armvm, total):
    """callgrind's host instructions per guest instruction over a window of the run: the Ir of
    a run stopped at --max-instructions B minus that of one stopped at A, over B - A, so
    start-up drops out. The count is deterministic, so a noisy machine cannot
    move it, where wall time moves by tens of percent."""
    if not total:
        return None
    a = IR_START if total >= IR_START + IR_WINDOW else total // 2
    end = min(total, a + IR_WINDOW)
    if end - a < 1000:
        return None
    cmd = b.armvm_cmd(armvm)
    irs = []
    for n in (a, end):
        irs.append(callgrind_ir(cmd[:2] + ["--max-instructions", str(n)] + cmd[2:], 3600))
        if irs[-1] is None:
            return None
    return (irs[1] - irs[0]) / (end - a)


# ---- The cost of one gdb step --------------------------------------------------

GDB_STEP_IMAGE = "loop-small.elf"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_step_once(who, exe, steps, timeout):
    """Microseconds per `stepi` of gdb-multiarch in batch mode against one emulator stopped
    at its first instruction, timed inside gdb (its own start-up and the connection are not
    counted), or None and why."""
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        return None, "gdb-multiarch not installed"
    image = os.path.join(BUILD, GDB_STEP_IMAGE)
    if who == "armvm":
        cmd = [exe, "run", "--board", "virt", "--gdb", "0", image]
    else:
        port = free_port()
        cmd = [exe, "-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "512", "-nographic",
               "-S", "-gdb", "tcp:127.0.0.1:%d" % port, "-kernel", image]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                             start_new_session=True)
        try:
            if who == "armvm":
                # armvm names the port it picked on stderr.
                deadline = time.time() + 30
                port = None
                while port is None and time.time() < deadline and p.poll() is None:
                    err.seek(0)
                    m = re.search(rb"127\.0\.0\.1:(\d+)", err.read())
                    port = int(m.group(1)) if m else None
                    time.sleep(0.02)
                if port is None:
                    return None, "armvm named no gdb port"
            else:
                time.sleep(0.3)   # QEMU listens before it returns from start-up
            script = ["set pagination off", "set confirm off", "target remote 127.0.0.1:%d" % port,
                      "python import time; t0 = time.perf_counter()", "stepi %d" % steps,
                      "python print('per-step-us %%.3f' %% ((time.perf_counter() - t0) * 1e6 / %d))" % steps,
                      "kill"]
            args = [gdb, "--batch", "-nx"]
            for line in script:
                args += ["-ex", line]
            try:
                r = subprocess.run(args + [image], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=timeout)
            except subprocess.TimeoutExpired:
                return None, "gdb timed out"
            m = re.search(r"per-step-us ([0-9.]+)", r.stdout.decode("utf-8", "replace"))
            if not m:
                return None, "gdb printed no timing: %s" % r.stdout.decode("utf-8", "replace")[-300:]
            return float(m.group(1)), None
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def gdb_step_bench(armvm, qemu, quick, runs, timeout, failures):
    """The gdbstep row: median microseconds per stepi under each emulator."""
    steps = 1000 if quick else 10000
    a, q = [], []
    for _ in range(runs):
        for who, exe, into in (("armvm", armvm, a), ("QEMU", qemu, q)):
            if not exe:
                continue
            us, why = gdb_step_once(who, exe, steps, timeout)
            if us is None:
                if why != "gdb-multiarch not installed":
                    failures.append("gdbstep under %s: %s" % (who, why))
                continue
            into.append(us)
    res = {"steps": steps,
           "a_us": statistics.median(a) if a else None,
           "q_us": statistics.median(q) if q else None}
    res["ratio"] = res["a_us"] / res["q_us"] if res["a_us"] and res["q_us"] else None
    return res


def fmt_us(us):
    return "n/a" if us is None else ("%.0f us/step" % us if us >= 10 else "%.1f us/step" % us)


# ---- The machine ---------------------------------------------------------------

def first_line(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        return r.stdout.decode("utf-8", "replace").strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "n/a"


def machine_description(armvm, qemu):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    osname = platform.system()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    commit = first_line(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return [
        ("CPU", "%s, %d logical CPUs" % (cpu, os.cpu_count() or 0)),
        ("OS", "%s, Linux %s, %s" % (osname, platform.release(), platform.machine())),
        ("armvm", "%s (git %s), %s" % (os.path.relpath(armvm, ROOT) if armvm.startswith(ROOT) else armvm,
                                       commit, first_line(["swift", "--version"]))),
        ("QEMU", first_line([qemu, "--version"]) if qemu else "n/a (qemu-system-aarch64 not installed; "
                                                               "scripts/install-deps.sh with WITH_QEMU=1)"),
        ("load", "load average %.2f %.2f %.2f at the start (other processes share the CPUs)"
         % os.getloadavg()),
        ("date", datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ]


# ---- Formatting ------------------------------------------------------------

def fmt_time(s):
    if s is None:
        return "n/a"
    return "%.0f ms" % (s * 1000) if s < 10 else "%.2f s" % s


def fmt_rss(kib):
    return "n/a" if kib is None else "%.1f MiB" % (kib / 1024)


def fmt_ratio(r):
    return "n/a" if r is None else "%.2f" % r


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# ---- Main --------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, 1 run each")
    ap.add_argument("--runs", type=int, help="runs per emulator (default 5, quick 1)")
    ap.add_argument("--armvm", default=os.path.join(ROOT, ".build", "release", "armvm"))
    ap.add_argument("--qemu", default=shutil.which("qemu-system-aarch64") or "")
    ap.add_argument("--only", help="comma-separated benchmark keys (hello,loop,crc,hvc,mmu,vtimer,"
                    "minihyp,gdbstep; full mode also linux,xen,xen-smp,xen-smp-threads,linux32,xen32)")
    ap.add_argument("--doc", choices=["yes", "no", "auto"], default="auto",
                    help="write the table into docs/PERFORMANCE.md (auto: full mode only)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed")
    ap.add_argument("--ir", action=argparse.BooleanOptionalAction, default=None,
                    help="host instructions per guest instruction from callgrind (default: full mode)")
    ap.add_argument("--verify-loop", action="store_true",
                    help="recompute the integer loop's expected checksums in Python (minutes)")
    args = ap.parse_args()

    if args.verify_loop:
        ok = True
        for n, want in LOOP_EXPECTED.items():
            got = loop_reference(n)
            print("%d iterations: %s" % (n, "ok" if got == want else "WRONG, computed %r" % got))
            ok &= got == want
        return 0 if ok else 1

    runs = args.runs or (1 if args.quick else 5)
    if args.ir is None:
        args.ir = not args.quick
    armvm = os.path.abspath(args.armvm)
    qemu = args.qemu if args.qemu and shutil.which(args.qemu) else ""
    if not os.access(armvm, os.X_OK):
        print("bench: no armvm at %s (swift build -c release)" % armvm, file=sys.stderr)
        return 2
    # The quick mode (CI's) leaves the boots out: they take minutes, and `make linux` boots
    # the same software with its own checks.
    suite = benchmarks(args.quick) + ([] if args.quick else boots())
    with_gdb = True
    if args.only:
        keys = set(args.only.split(","))
        suite = [b for b in suite if b.key in keys]
        with_gdb = "gdbstep" in keys
    skipped = []
    for b in [b for b in suite if getattr(b, "boot", False) and b.missing()]:
        skipped.append("%s: %s not downloaded (`make linux` fetches Debian's packages)"
                       % (b.key, ", ".join(os.path.relpath(f, ROOT) for f in b.missing())))
        suite.remove(b)
    missing = [b.image for b in suite if not os.path.exists(b.image_path())]
    if missing:
        print("bench: missing guests %s (make -C Guests)" % ", ".join(missing), file=sys.stderr)
        return 2

    mode = "quick" if args.quick else "full"
    print("armvm benchmarks, %s mode, %d run%s each, A B A B; QEMU: %s"
          % (mode, runs, "" if runs == 1 else "s", qemu or "n/a"))
    for line in skipped:
        print("  skipped " + line)
    if args.ir and not shutil.which("valgrind"):
        print("  host instructions per guest instruction: n/a (valgrind not installed)")
        args.ir = False
    failures, results, qemu_notes = [], {}, []
    for b in suite:
        a_runs, q_runs = [], []
        for _ in range(runs):
            for who, cmd, into in (("armvm", b.armvm_cmd(armvm), a_runs),
                                   ("QEMU", b.qemu_cmd(qemu) if (qemu and b.qemu) else None, q_runs)):
                if cmd is None:
                    continue
                r = run_once(cmd, args.timeout * (4 if getattr(b, "boot", False) else 1))
                why = b.check(r.out)
                if r.status != 0:
                    why = "exit status %d%s" % (r.status, "; " + why if why else "")
                if why and who == "QEMU" and getattr(b, "boot", False):
                    # QEMU failing to boot Debian's software is worth a note, not a failed suite.
                    qemu_notes.append("%s: QEMU did not reach /init's last line (exit status %d, or "
                                      "killed after the timeout)." % (b.key, r.status))
                    into.append(None)
                elif why:
                    failures.append("%s under %s: %s\n    %s\n    stderr: %s"
                                    % (b.key, who, why, " ".join(cmd), r.err.strip()[-300:]))
                    into.append(None)
                else:
                    into.append(r)
        ok_a = [r for r in a_runs if r]
        ok_q = [r for r in q_runs if r]
        res = {"bench": b}
        res["a_wall"] = statistics.median(r.wall for r in ok_a) if ok_a else None
        res["q_wall"] = statistics.median(r.wall for r in ok_q) if ok_q else None
        res["a_rss"] = max(r.rss_kib for r in ok_a) if ok_a else None
        res["q_rss"] = max(r.rss_kib for r in ok_q) if ok_q else None
        res["insns"] = instructions(ok_a[0].err) if ok_a else None
        res["ratio"] = res["a_wall"] / res["q_wall"] if res["a_wall"] and res["q_wall"] else None
        res["mips"] = res["insns"] / res["a_wall"] / 1e6 if res["insns"] and res["a_wall"] else None
        res["rss_ratio"] = res["a_rss"] / res["q_rss"] if res["a_rss"] and res["q_rss"] else None
        res["ir"] = ir_per_instruction(b, armvm, res["insns"]) if args.ir and ok_a else None
        results[b.key] = res
        print("  %-8s armvm %-9s QEMU %-9s ratio %-5s %s MIPS" % (
            b.key, fmt_time(res["a_wall"]), fmt_time(res["q_wall"]) if b.qemu else "n/a",
            fmt_ratio(res["ratio"]), "%.0f" % res["mips"] if res["mips"] else "n/a"), flush=True)

    gdbstep = None
    if with_gdb:
        gdbstep = gdb_step_bench(armvm, qemu, args.quick, runs, args.timeout, failures)
        print("  %-8s armvm %-14s QEMU %-14s ratio %s" % (
            "gdbstep", fmt_us(gdbstep["a_us"]), fmt_us(gdbstep["q_us"]), fmt_ratio(gdbstep["ratio"])),
            flush=True)

    # The table.
    header = ["benchmark", "armvm wall", "QEMU wall", "armvm/QEMU", "armvm guest insns",
              "armvm MIPS", "host insns / guest insn", "armvm peak RSS", "QEMU peak RSS"]
    rows = []
    for key, r in results.items():
        b = r["bench"]
        rows.append([b.title, fmt_time(r["a_wall"]),
                     fmt_time(r["q_wall"]) if b.qemu else "n/a (1)",
                     fmt_ratio(r["ratio"]),
                     "{:,}".format(r["insns"]) if r["insns"] else "n/a",
                     "%.0f" % r["mips"] if r["mips"] else "n/a",
                     "%.1f" % r["ir"] if r["ir"] else "n/a",
                     fmt_rss(r["a_rss"]), fmt_rss(r["q_rss"])])
    if gdbstep:
        rows.append(["(h) gdb `stepi %d` on %s: cost of one step" % (gdbstep["steps"], GDB_STEP_IMAGE),
                     fmt_us(gdbstep["a_us"]), fmt_us(gdbstep["q_us"]), fmt_ratio(gdbstep["ratio"]),
                     "n/a", "n/a", "n/a", "n/a", "n/a"])

    # The speed goals (docs/PERFORMANCE.md); a goal whose benchmark did not run (or has no
    # QEMU) is n/a.
    def goal(key, desc, value, test, shown):
        r = results.get(key)
        v = value(r) if r else None
        if v is None:
            return [desc, "n/a", "n/a"]
        return [desc, shown(v), "met" if test(v) else "NOT MET"]

    # The floors of issue 14 (docs/PERFORMANCE.md): real workloads at QEMU's speed, and
    # nothing already won lost.
    def ratio_goal(key, desc, limit):
        return goal(key, "%s: armvm wall <= %s x QEMU" % (desc, limit), lambda r: r["ratio"],
                    lambda v: v <= limit, lambda v: "%.2f x" % v)

    def mips_of(key):
        r = results.get(key)
        return r["mips"] if r else None

    goals = [
        ratio_goal("linux", "Debian arm64 kernel to /init", 1.0),
        ratio_goal("xen", "Xen 4.17 + dom0 to /init", 1.0),
        ratio_goal("xen-smp", "Xen 4.17 + dom0, --smp 2 --gic 3", 1.0),
        goal("xen-smp", "guest MIPS do not fall with 2 CPUs and GICv3 (xen-smp >= xen)",
             lambda r: r["mips"] / mips_of("xen") if r["mips"] and mips_of("xen") else None,
             lambda v: v >= 1.0, lambda v: "%.2f x the 1-CPU rate" % v),
        ratio_goal("linux32", "Debian armhf kernel to /init", 1.0),
        ratio_goal("xen32", "Xen 4.17 armhf + dom0 to /init", 1.0),
        goal("loop", "integer loop: >= 800 M guest instructions/s", lambda r: r["mips"],
             lambda v: v >= 800, lambda v: "%.0f MIPS" % v),
        goal("crc", "CRC loop: >= 800 M guest instructions/s", lambda r: r["mips"],
             lambda v: v >= 800, lambda v: "%.0f MIPS" % v),
        goal("mmu", "MMU benchmark within 1.5 x the loop's rate",
             lambda r: mips_of("loop") / r["mips"] if r["mips"] and mips_of("loop") else None,
             lambda v: v <= 1.5, lambda v: "loop rate / mmu rate = %.1f" % v),
        ratio_goal("hello", "hello end-to-end", 0.3),
        goal("hvc", "HVC round trips: armvm wall <= 0.2 x QEMU", lambda r: r["ratio"],
             lambda v: v <= 0.2, lambda v: "%.2f x (%.1fx the rate)" % (v, 1 / v)),
        goal("linux", "peak RSS of the Linux boot <= 0.5 x QEMU's", lambda r: r["rss_ratio"],
             lambda v: v <= 0.5, lambda v: "%.2f x" % v),
    ]
    if gdbstep and gdbstep["ratio"] is not None:
        goals.append(["gdb stepi: armvm's cost per step <= QEMU's", "%.2f x" % gdbstep["ratio"],
                      "met" if gdbstep["ratio"] <= 1 else "NOT MET"])
    else:
        goals.append(["gdb stepi: armvm's cost per step <= QEMU's", "n/a", "n/a"])
    rss = [(k, r["rss_ratio"]) for k, r in results.items() if r["rss_ratio"] is not None]
    if rss:
        worst = max(rss, key=lambda kv: kv[1])
        goals.append(["peak RSS: armvm <= 0.5 x QEMU, every guest",
                      "worst %.2f x (%s)" % (worst[1], worst[0]),
                      "met" if worst[1] <= 0.5 else "NOT MET"])
    else:
        goals.append(["peak RSS: armvm <= 0.5 x QEMU, every guest", "n/a", "n/a"])

    machine = machine_description(armvm, qemu)
    notes = ["(1) %s." % b.note for b in suite if b.note and not b.qemu] + qemu_notes
    if args.quick:
        notes.append("Quick mode: small sizes and one run each; start-up dominates, so the "
                     "ratios and MIPS say little. `make bench` gives the real figures.")
    text = "\n".join([
        "Mode: %s, %d run%s per emulator (median wall time), runs interleaved armvm, QEMU, armvm, ..."
        % (mode, runs, "" if runs == 1 else "s"),
        "",
        markdown_table(["machine", ""], [[k, v] for k, v in machine]),
        "",
        markdown_table(header, rows),
        "",
        markdown_table(["goal", "measured", ""], goals),
        "",
    ] + ["%s  " % n for n in notes])
    print()
    print(text)

    write_doc = args.doc == "yes" or (args.doc == "auto" and not args.quick and not args.only)
    if write_doc:
        update_doc(text)
        print("\n(table written to %s)" % os.path.relpath(DOC, ROOT))

    if failures:
        print("\nFAILED: %d run(s) gave a wrong answer or failed:" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    return 0


def update_doc(text):
    """Replace what lies between the bench markers of docs/PERFORMANCE.md."""
    block = BEGIN + "\n" + text.rstrip() + "\n" + END
    try:
        with open(DOC) as f:
            doc = f.read()
    except OSError:
        doc = "# Performance\n\n## The latest benchmark table\n\n%s\n%s\n" % (BEGIN, END)
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    with open(DOC, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    sys.exit(main())
