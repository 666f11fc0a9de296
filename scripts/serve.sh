#!/usr/bin/env bash
# Serves the site that `make build` left in www/ on http://127.0.0.1:PORT (any static
# server works the same; the page uses relative addresses only).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8000}
echo "Privacy Lens: open http://127.0.0.1:$port/ (Ctrl-C stops)"
exec python3 -m http.server -d www --bind 127.0.0.1 "$port"
