#!/usr/bin/env bash
# Serves the page in www/ on http://127.0.0.1:PORT. Until the page exists, says so and
# points to the command-line tool, which `make build` has just built.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
if [ ! -f www/index.html ]; then
  echo "The web page is not part of this version yet. The analysis is available now as a command:"
  echo "  target/release/privacy-lens analyze YOUR_EXPORT.ndjson"
  echo "  target/release/privacy-lens generate -o example.ndjson   # a realistic example export"
  exit 0
fi
echo "Serving www/ at http://127.0.0.1:$port/"
exec python3 -m http.server -d www --bind 127.0.0.1 "$port"
