# armvm: the two quick-start commands are `make demo` and `make test`.
SWIFT ?= swift
ARMVM := .build/release/armvm

.PHONY: all deps build guests demo test linux bench clean

all: build guests

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product armvm

guests: deps
	$(MAKE) -C Guests

# Boots the hello guest on both boards, then the teaching hypervisor minihyp with two
# hello-xen guests on arndale: their (d1)/(d2) lines interleave, then the exits by class.
demo: build guests
	$(ARMVM) run --board arndale Guests/build/hello.elf
	$(ARMVM) run --board virt Guests/build/hello.elf
	$(ARMVM) run --board arndale Guests/build/minihyp.elf \
		--guest Guests/build/hello-xen.elf --guest Guests/build/hello-xen.elf

# Every test: unit tests of each module, then guests through the real CLI (release binary),
# then Debian's own arm64 kernel with a busybox userspace on two CPUs.
test: build guests
	ARMVM=$(CURDIR)/$(ARMVM) $(SWIFT) test --disable-swift-testing
	$(MAKE) linux

# Boots Debian's unmodified linux-image-arm64 with Debian's static busybox as /init on the virt
# board (2 CPUs, EL2) and checks that userspace ran; downloads ~60 MB into .build-linux/ once.
linux: build
	sh scripts/linux/boot-debian.sh $(ARMVM)

# The benchmark suite side by side with QEMU (scripts/bench/bench.py, docs/PERFORMANCE.md):
# `make bench` (full sizes, 5 interleaved runs, table into docs/PERFORMANCE.md) or
# `make bench QUICK=1` (small sizes, 1 run each, under a minute). RUNS=N overrides the runs.
bench: build guests
	python3 scripts/bench/bench.py --armvm $(ARMVM) $(if $(QUICK),--quick) $(if $(RUNS),--runs $(RUNS))

clean:
	$(MAKE) -C Guests clean
	rm -rf .build
