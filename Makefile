# winsim — see README.md. Everything here uses only the Go toolchain and modules from go.mod.
GO      ?= go
PKGS    ?= ./...
FUZZTIME ?= 10s
FUZZLONGTIME ?= 10m
FUZZCALLS ?= 10000000x
BENCHTIME ?= 1s

.PHONY: all test vet vet-windows fmt-check race bench bench-pairs cover fuzz fuzz-long stress reliability demo demo-kernel pictures tidy

all: test

## EXAMPLES: the worked examples' own module (examples/go.mod; see examples/README.md). It is
## not part of ./... of this module, so each step names it.
EXAMPLES ?= examples

## test: go vet, a gofmt check that fails on any unformatted file, and the race-enabled tests,
## of this module and of the examples' module; and the examples' Windows files vetted for Windows.
test: vet vet-windows fmt-check race

vet:
	$(GO) vet $(PKGS)
	cd $(EXAMPLES) && $(GO) vet ./...

## vet-windows: the examples' _windows.go files, built and vetted for Windows against
## golang.org/x/sys/windows, the version examples/go.mod names: the check that they build
## unchanged on Windows, which no Linux build compiles.
vet-windows:
	cd $(EXAMPLES) && GOOS=windows $(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

race:
	$(GO) test -race -count=1 -timeout 5m $(PKGS)
	cd $(EXAMPLES) && $(GO) test -race -count=1 -timeout 5m ./...

## bench: every benchmark, with allocation counts.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

## bench-pairs: the ratio goals of docs/io.md, docs/pipes.md and docs/winio.md, measured by paired
## runs (internal/benchpair): each benchmark alone in its own process, the two alternated
## PAIRS times, the median of the per-round ratios with a 95 % interval. About 4 minutes per
## goal at the defaults. PAIRSRAW, if set, collects every run's output for benchstat.
PAIRS ?= 16
PAIRSRAW ?=
BENCHPAIR = $(GO) run ./internal/benchpair/cmd/benchpair -rounds $(PAIRS) -benchtime $(BENCHTIME) $(if $(PAIRSRAW),-raw $(PAIRSRAW))
bench-pairs:
	$(BENCHPAIR) -goal 1.2 -num './pipe:^BenchmarkOverlappedPingPong/overlapped$$' -den './pipe:^BenchmarkOverlappedPingPong/blocking$$'
	$(BENCHPAIR) -goal 1.1 -num './winio:^BenchmarkConnPingPong/Byte$$' -den './winio:^BenchmarkConnPingPong/RawPipe$$'
	for size in 4KiB 64KiB 1MiB; do \
		$(BENCHPAIR) -goal 1.0 -num "./pipe:^BenchmarkThroughput/winsim-anonymous-$$size\$$" -den './pipe:^BenchmarkThroughput/io.Pipe$$' || exit 1; \
	done
	$(BENCHPAIR) -goal 1.25 -num './pipe:^BenchmarkReaderWaiting/winsim$$' -den './pipe:^BenchmarkReaderWaiting/memmove$$'

## cover: per-package coverage, and a total.
cover:
	$(GO) test -count=1 -coverprofile=cover.out $(PKGS)
	$(GO) tool cover -func=cover.out | tail -1

## fuzz: a short run of every fuzz target.
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## fuzz-long: every fuzz target for FUZZLONGTIME, except the call-sequence fuzzer, which
## runs FUZZCALLS executions (10^7 by default; about two and a half hours on two cores). Fuzz
## runs have no test timeout (-timeout 0: a -timeout would end a long run); the call-sequence
## fuzzer's own watchdog and synctest's deadlock report catch an input that hangs.
fuzz-long:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    t=$(FUZZLONGTIME); [ "$$f" = FuzzCallSequences ] && t=$(FUZZCALLS); \
	    echo "== $$pkg $$f ($$t)"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $$t -fuzzminimizetime 5s -timeout 0 $$pkg; \
	  done; \
	done

## stress: the checked stress test at full size (STRESS messages, 10^6 by default); make
## test runs it at CI size.
STRESS ?= 1000000
stress:
	$(GO) test -run '^TestCheckedStress$$' -count=1 -v -timeout 30m ./internal/stress/ -args -stress.messages=$(STRESS)

## reliability: run the reliability checks and regenerate docs/reliability.md from what they
## measured: every fuzz target for RELFUZZTIME and FuzzCallSequences for RELFUZZCALLS, the
## checked stress test at STRESS messages (no race detector), the fault tests, the bad-input
## table and BenchmarkCheck. About 12 minutes on two cores at the defaults; CI does not run
## it. The page is written even when a check fails; then the target fails. The fuzz budgets
## are execution counts, not durations: with a duration, Go 1.26's fuzzing coordinator can
## fail a target with a bare "context deadline exceeded" and no crasher when the time runs
## out (golang/go#75804, fixed in Go 1.27), as one FuzzCallSequences run of 5m did here.
RELOUT ?= .reliability
RELFUZZTIME ?= 200000x
RELFUZZCALLS ?= 350000x
RELMINIMIZE ?= 10s
RELBENCHTIME ?= 1s
RELPAGE ?= docs/reliability.md
RELHISTORY ?= docs/reliability-history.jsonl
REL = $(RELOUT)/reliability
RELFIG = $(RELOUT)/figures.jsonl
reliability:
	@mkdir -p $(RELOUT)
	$(GO) build -o $(REL) ./internal/reliability/cmd/reliability
	$(REL) start -out $(RELFIG) RELFUZZTIME=$(RELFUZZTIME) RELFUZZCALLS=$(RELFUZZCALLS) RELMINIMIZE=$(RELMINIMIZE) STRESS=$(STRESS) RELBENCHTIME=$(RELBENCHTIME)
	@set -e; for dir in $$($(GO) list -f '{{.Dir}}' $(PKGS)); do \
	  pkg=.$${dir#$(CURDIR)}; \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    t=$(RELFUZZTIME); [ "$$f" = FuzzCallSequences ] && t=$(RELFUZZCALLS); \
	    $(REL) run -out $(RELFIG) -step "fuzz $$f" -parse fuzz -pkg $$pkg -target $$f -fuzztime $$t -- \
	      $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $$t -fuzzminimizetime $(RELMINIMIZE) -timeout 0 $$pkg; \
	  done; \
	done
	$(REL) run -out $(RELFIG) -step stress -- $(GO) test -run '^TestCheckedStress$$' -count=1 -v -timeout 30m ./internal/stress/ -args -stress.messages=$(STRESS)
	$(REL) run -out $(RELFIG) -step faults -- $(GO) test -run '^(TestRemoveMachineMidTrafficLosesNothingElsewhere|TestDiscoveryCompletesUnderLoss)$$' -count=1 -v -timeout 10m ./internal/stress/
	$(REL) run -out $(RELFIG) -step "bad input" -- $(GO) test -run '^TestBadInput' -count=1 -timeout 10m .
	$(REL) run -out $(RELFIG) -step benchmark -parse bench -- $(GO) test -run '^$$' -bench '^BenchmarkCheck$$' -benchmem -benchtime $(RELBENCHTIME) -count=1 -timeout 10m ./kernel/
	$(REL) render -in $(RELFIG) -out $(RELPAGE) -history $(RELHISTORY)

## demo: the seed's procedure as a scenario: a client finds the servers of a three-machine
## domain through a \\*\ mailslot broadcast, then opens a remote named pipe to one of them;
## prints each call and its trace, the final tables, and writes the step-through page demo.html.
demo:
	$(GO) run ./cmd/winsim run -processes -objects -handles --html demo.html testdata/scenarios/discovery.txt
	@echo "step through it: open demo.html in a browser"

## demo-kernel: a machine, two processes, a handle duplicated between them (the older demo).
demo-kernel:
	$(GO) run ./cmd/winsim-demo

## pictures: regenerate the pictures docs/tutorial.md and README.md show.
pictures:
	@mkdir -p docs/pictures
	$(GO) run ./cmd/winsim run -q -svg docs/pictures/discovery.svg testdata/scenarios/tutorial-remote.txt
	$(GO) run ./cmd/winsim run -q -svg docs/pictures/anonymous-redirect.svg testdata/scenarios/tutorial-child.txt
	$(GO) run ./cmd/winsim run -q -svg docs/pictures/kept-alive.svg testdata/scenarios/tutorial-kept-alive.txt
	$(GO) run ./cmd/winsim run -q -sequence docs/pictures/discovery-sequence.mmd testdata/scenarios/discovery.txt

tidy:
	$(GO) mod tidy
	cd $(EXAMPLES) && $(GO) mod tidy
