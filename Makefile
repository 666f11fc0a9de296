# The README's two commands are `make serve` and `make test`; everything else is a helper.
# Each target calls a script in scripts/, so CI runs exactly what a person runs.

PORT ?= 8000

.PHONY: setup test serve build single-file bench bench-web big fuzz data
setup:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

build:
	bash scripts/build.sh

# dist/privacy-lens.html: the whole page in one file, to open from disk (README, "From disk").
single-file: build
	node scripts/single-file.mjs

serve: build
	bash scripts/serve.sh $(PORT)

bench:
	bash scripts/bench.sh

bench-web: build
	node e2e/bench/bench.mjs 100M 1G

big:
	bash scripts/big.sh

# Refreshes www/data/trackerdb.tsv from the pinned npm @ghostery/trackerdb (committed; CC BY-NC-SA 4.0).
data: setup
	node scripts/trackerdb.mjs

fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} bash scripts/fuzz.sh
