# armvm: the two quick-start commands are `make demo` and `make test`.
SWIFT ?= swift
ARMVM := .build/release/armvm

.PHONY: all deps build guests demo test linux bench clean coverage crosscheck fuzz

all: build guests

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product armvm

guests: deps
	$(MAKE) -C Guests

# Boots the hello guest on both boards and its 32-bit build in AArch32 SVC mode, then the
# teaching hypervisor minihyp with a 64-bit and a 32-bit hello-xen on arndale, making the same
# hypercalls: their (d1)/(d2) lines interleave, then the exits by class;
# then a ping/pong pair over Xen event channels (GICv2) and two guests counting their
# virtual timer ticks, one spinning and preempted (GICv3).
demo: build guests
	$(ARMVM) run --board arndale Guests/build/hello.elf
	$(ARMVM) run --board virt Guests/build/hello.elf
	$(ARMVM) run --board arndale --el 1 Guests/build/hello32.elf
	$(ARMVM) run --board arndale Guests/build/minihyp.elf \
		--guest Guests/build/hello-xen.elf --guest Guests/build/hello-xen32.elf
	$(ARMVM) run --board arndale Guests/build/minihyp.elf \
		--guest Guests/build/ping.elf --guest Guests/build/pong.elf
	$(ARMVM) run --board virt --gic 3 Guests/build/minihyp.elf \
		--guest Guests/build/vtimer.elf --guest Guests/build/vtimer.elf,bootargs=spin

# Every test: unit tests of each module, then guests through the real CLI (release binary),
# then Debian's own Linux and Xen, then the benchmark suite in its quick mode (it checks each
# benchmark's answer; the timings are not judged here).
test: build guests
	ARMVM=$(CURDIR)/$(ARMVM) $(SWIFT) test --disable-swift-testing
	$(MAKE) linux
	$(MAKE) bench QUICK=1

# Boots Debian's unmodified linux-image-arm64 with Debian's static busybox as /init on the virt
# board (2 CPUs, EL2) and checks that userspace ran; downloads ~60 MB into .build-linux/ once.
linux: build
	sh scripts/linux/boot-debian.sh $(ARMVM)

# Reference vectors per encoding group and per armvm decode-table row (scripts/refvectors/README.md).
coverage: build
	python3 scripts/refvectors/coverage.py --rows --armvm $(ARMVM)

# Allocated versus unallocated against capstone over a million random words (CROSSCHECK.md).
crosscheck: build
	python3 scripts/refvectors/crosscheck.py --armvm $(ARMVM)

# More fuzzing by hand: make fuzz WORDS=100000000 SEED=0x1234
WORDS ?= 10000000
SEED ?= 0x5EEDA64
fuzz: build
	$(ARMVM) fuzz --words $(WORDS) --seed $(SEED)

# The benchmark suite side by side with QEMU (scripts/bench/bench.py, docs/PERFORMANCE.md):
# `make bench` (full sizes, 5 interleaved runs, table into docs/PERFORMANCE.md) or
# `make bench QUICK=1` (small sizes, 1 run each, under a minute). RUNS=N overrides the runs.
# The full mode installs Debian's qemu-system-arm for its side of the table; the quick mode,
# which CI runs, does not need it (its QEMU columns then read n/a).
bench: build guests
	$(if $(QUICK),,WITH_QEMU=1 scripts/install-deps.sh)
	python3 scripts/bench/bench.py --armvm $(ARMVM) $(if $(QUICK),--quick) $(if $(RUNS),--runs $(RUNS))

clean:
	$(MAKE) -C Guests clean
	rm -rf .build
