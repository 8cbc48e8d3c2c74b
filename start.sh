#!/usr/bin/env bash
# One entry point for a fresh machine.
#   ./start.sh         install what is missing, build, and serve the app on one port (PORT, HOST)
#   ./start.sh test    install what is missing, then type-check, lint and run every test
set -euo pipefail
cd "$(dirname "$0")"

PNPM_VERSION=10.34.9
MODE=${1:-serve}

log() { printf '\033[1m[start.sh]\033[0m %s\n' "$*" >&2; }

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    log "Node.js 20.19 or newer is required (https://nodejs.org); it was not found."; exit 1
  fi
  local major minor
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if (( major < 20 || (major == 20 && minor < 19) )); then
    log "Node.js 20.19 or newer is required; found $(node --version)."; exit 1
  fi
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version)" == "$PNPM_VERSION" ]]; then return; fi
  # corepack fails on signature checks on some machines; npm's global install is dependable.
  log "installing pnpm $PNPM_VERSION"
  npm install --global "pnpm@$PNPM_VERSION" >&2
}

install_dependencies() {
  log "installing dependencies from the lockfile"
  pnpm install --frozen-lockfile --reporter=default >&2
}

# Debian packages the tests need: Chromium for the browser tests (playwright-core's own browser
# download cannot work offline) and redis-server for the many-machines tests; and fonts for the
# browser tests' screenshots (the tests read the DOM, not the pixels): CJK for 简体中文 and colour
# emoji (the projector's 🤖 notes). Installed only when missing, only where we may (root);
# without root a missing font is only a note, a missing tool stops here.
ensure_test_packages() {
  local missing=() fonts=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || fonts+=(fonts-wqy-microhei)
  [[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || fonts+=(fonts-noto-color-emoji)
  [[ ${#missing[@]} -eq 0 && ${#fonts[@]} -eq 0 ]] && return
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    if [[ ${#missing[@]} -gt 0 ]]; then
      log "missing ${missing[*]} ${fonts[*]}: install them (e.g. sudo apt-get install -y ${missing[*]} ${fonts[*]}) and run again"; exit 1
    fi
    log "note: without ${fonts[*]} some screenshots show empty boxes for Chinese text or emoji"; return
  fi
  log "installing ${missing[*]} ${fonts[*]} from Debian's packages"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" "${fonts[@]}" >&2
}

require_node
ensure_pnpm
install_dependencies

case "$MODE" in
  test)
    ensure_test_packages
    pnpm test
    ;;
  serve)
    log "building"
    pnpm build >&2
    log "serving on http://${HOST:-0.0.0.0}:${PORT:-3000}"
    exec pnpm start
    ;;
  *)
    log "usage: ./start.sh [test]"; exit 2
    ;;
esac
