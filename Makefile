# armvm: the two quick-start commands are `make demo` and `make test`.
SWIFT ?= swift
ARMVM := .build/release/armvm

.PHONY: all deps build guests demo test test-guests linux bench clean coverage crosscheck fuzz fuzz-host fuzz-replay test-asan

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
	$(ARMVM) run --board arndale Guests/build/hello32.elf
	$(ARMVM) run --board arndale --el 1 Guests/build/hello32.elf
	$(ARMVM) run --board arndale Guests/build/minihyp.elf \
		--guest Guests/build/hello-xen.elf --guest Guests/build/hello-xen32.elf
	$(ARMVM) run --board arndale Guests/build/minihyp.elf \
		--guest Guests/build/ping.elf --guest Guests/build/pong.elf
	$(ARMVM) run --board virt --gic 3 Guests/build/minihyp.elf \
		--guest Guests/build/vtimer.elf --guest Guests/build/vtimer.elf,bootargs=spin
	$(ARMVM) run --board arndale --cpu cortex-a15 Guests/build/minihyp32.elf \
		--guest Guests/build/hello-xen32.elf --guest Guests/build/hello-xen-thumb32.elf
	$(ARMVM) run --board arndale --cpu cortex-a15 Guests/build/minihyp32.elf \
		--guest Guests/build/ping32.elf --guest Guests/build/pong32.elf

# Every test: the guest rows of Guests/manifest.txt through `armvm test` (a JUnit report in
# $(JUNIT_DIR)), unit tests of each module, then guests through the real CLI (release binary),
# then Debian's own Linux and Xen, then the benchmark suite in its quick mode (it checks each
# benchmark's answer; the timings are not judged here).
test: build guests
	$(MAKE) test-guests
	ARMVM=$(CURDIR)/$(ARMVM) $(SWIFT) test --disable-swift-testing
	$(MAKE) fuzz-replay
	$(MAKE) linux
	$(MAKE) bench QUICK=1
	$(MAKE) fuzz-host FUZZ_SECONDS=10
	$(MAKE) test-asan

# The project's guest rows, the Xen hypercall conformance suite (Guests/abi/) and the first-guest
# template (Guests/template/) through the
# runner a CI user has (docs/MANIFEST.md); JOBS=N overrides the default of one row per CPU.
JUNIT_DIR ?= .build/test-results
test-guests: build guests
	mkdir -p $(JUNIT_DIR)
	$(ARMVM) test Guests/manifest.txt --junit $(JUNIT_DIR)/guests.xml $(if $(JOBS),--jobs $(JOBS))
	$(ARMVM) test Guests/abi/manifest.txt --junit $(JUNIT_DIR)/abi.xml $(if $(JOBS),--jobs $(JOBS))
	$(ARMVM) test Guests/template/manifest.txt --junit $(JUNIT_DIR)/template.xml

# libFuzzer over what armvm parses from the host (docs/FUZZING.md): each harness for FUZZ_SECONDS
# (CI: 10), with AddressSanitizer. The sanitizers go in one -Xswiftc flag: SwiftPM passes
# --sanitize=fuzzer --sanitize=address as two flags in no fixed order and swiftc keeps only the
# last; --sanitize=fuzzer stays for SwiftPM's link (libFuzzer's main). Debug configuration plus -O:
# per-file rebuilds while a harness is being written, and at -Onone building each machine's bus
# dominates (dtb harness: 290 runs/s instead of ~850).
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := image dtb boot-options gdb-packet
fuzz-host: deps
	$(SWIFT) build --product armvm-fuzz --scratch-path .build-fuzz --sanitize=fuzzer \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -O
	scripts/fuzz/fuzz-host.sh .build-fuzz/debug/armvm-fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

# The seed corpus and past findings through each harness without the fuzzer: a regression test.
fuzz-replay: build
	$(SWIFT) build -c release --product armvm-fuzz
	for h in $(FUZZ_HARNESSES); do .build/release/armvm-fuzz --harness=$$h Fuzz/corpus/$$h || exit 1; done

# AddressSanitizer (docs/FUZZING.md): the unit tests built with ASan, and the guest rows and the
# guests-through-the-CLI tests (GuestTests) against an ASan release armvm, all in .build-asan. About 10 minutes on 2 cores
# (7 of them building). Skipped: ReferenceVectorTests, the 512,000-vector replay (37 s plain): ASan
# reports an 8-byte store into a 1-byte stack slot in its @_optimize(speed) loop where the machine
# code stores 1 byte, apparently an instrumentation artefact; the fuzz tests cover the same code. UBSan: swiftc rejects
# -sanitize=undefined on Linux; Swift traps on overflow and out-of-bounds access by itself.
# Leak checking is off: swift-corelibs-xctest's awaitUsingExpectation keeps each test case alive
# through a leaked weak-reference side table, so every machine a test built reports as a leak.
ASAN_BUILD := .build-asan
test-asan: deps guests
	$(SWIFT) build -c release --product armvm --sanitize=address --scratch-path $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=0 $(ASAN_BUILD)/release/armvm test Guests/manifest.txt
	ARMVM=$(CURDIR)/$(ASAN_BUILD)/release/armvm ASAN_OPTIONS=detect_leaks=0 \
		$(SWIFT) test --disable-swift-testing --sanitize=address --scratch-path $(ASAN_BUILD) --skip ReferenceVectorTests

# Boots Debian's unmodified linux-image-arm64 with Debian's static busybox as /init on the virt
# board (2 CPUs, EL2), and under Xen 4.17 as dom0; then the armhf LPAE kernel with the armhf
# busybox in AArch32 SVC mode on both boards. Each checks that userspace ran; downloads ~105 MB
# into .build-linux/ once.
linux: build
	sh scripts/linux/boot-debian.sh $(ARMVM)
	sh scripts/linux/boot-debian-armhf.sh $(ARMVM)

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
	rm -rf .build .build-fuzz .build-asan
