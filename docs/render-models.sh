#!/usr/bin/env bash
# Regenerates the images under docs/images/ in headless Chromium:
#   docs/render-models.sh                  processes/*.bpmn (bpmn-js) and processes/*.dmn (dmn-js
#                                          decision table) -> docs/images/<model>.png
#   docs/render-models.sh --cockpit URL    also Cockpit (docs/images/cockpit-*.png) of an app running
#                                          in sandbox mode at URL (e.g. http://localhost:8080) with
#                                          a few interactions, one accepted and still running and
#                                          some finished (the "Interaction history" plugin)
# Needs Node 18+ and Chromium (Debian: apt-get install -y chromium; CHROMIUM=/path to use another
# binary). The npm packages (bpmn-js, dmn-js, playwright-core) go to a throwaway directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cockpit=""
if [[ "${1:-}" == "--cockpit" ]]; then
  cockpit="${2:?--cockpit needs the app URL}"
fi
work="$(mktemp -d /tmp/render-models.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent bpmn-js@18 dmn-js@17 playwright-core@1 >/dev/null
cp "$here/render/render.mjs" "$here/render/render.html" "$here/render/cockpit.mjs" "$work/"
node "$work/render.mjs" "$work/node_modules" "$root/processes" "$root/docs/images"
if [[ -n "$cockpit" ]]; then
  node "$work/cockpit.mjs" "$cockpit" "$root/docs/images"
fi
