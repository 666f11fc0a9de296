#!/usr/bin/env bash
# Serves www/ on http://127.0.0.1:PORT (the page arrives with the WebAssembly issue).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
mkdir -p www
echo "Serving www/ at http://127.0.0.1:$port/"
exec python3 -m http.server -d www --bind 127.0.0.1 "$port"
