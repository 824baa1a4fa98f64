#!/usr/bin/env bash
# Installs what the end-to-end tests need to run the extension in a real VS Code workbench:
# Debian's chromium (driven by playwright-core), ripgrep, the kerberos headers, and code-server
# (VS Code 1.100.3 served to the browser, with the real Node extension host) in a git-ignored folder
# of the project. The route is the one in shared/e2e/REAL-VSCODE.md: these machines reach only the
# npm registry and Debian, so nothing may download from GitHub or the VS Code CDN.
#
# Reruns are cheap: apt is skipped when the packages are installed, and code-server is reused when
# the folder holds a completed install of the pinned version.
#
# Environment: KS_CODE_SERVER_DIR overrides the install folder (default <repo>/.code-server).
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall downloads this rg build
# from GitHub unless it finds the tarball in its cache folder under TMPDIR.
readonly RIPGREP_CACHE_NAME=vscode-ripgrep-cache-1.15.11
readonly RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
# openssl is for the cluster tests, which make a throwaway CA for their fake API server.
readonly APT_PACKAGES=(libkrb5-dev ripgrep chromium openssl)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
install_dir="${KS_CODE_SERVER_DIR:-$repo_root/.code-server}"
# The marker is written only after npm finished, so an interrupted install is redone, not reused.
install_marker="$install_dir/.installed-$CODE_SERVER_VERSION"
started_at=$SECONDS

log() { printf '[setup-code-server] %s\n' "$*"; }

install_debian_packages() {
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages present: ${APT_PACKAGES[*]}"
    return
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      log "missing Debian packages (${missing[*]}) and not root: install them, then rerun" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
}

installed_code_server_version() {
  local manifest="$install_dir/node_modules/code-server/package.json"
  [ -f "$install_marker" ] && [ -f "$manifest" ] || return 0
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$manifest"
}

install_code_server() {
  if [ "$(installed_code_server_version)" = "$CODE_SERVER_VERSION" ]; then
    log "code-server $CODE_SERVER_VERSION present in $install_dir"
    return
  fi
  log "installing code-server $CODE_SERVER_VERSION into $install_dir (compiles native modules, about a minute)"
  rm -rf "$install_dir/node_modules" "$install_dir/package-lock.json" "$install_dir"/.installed-*
  mkdir -p "$install_dir"
  # Its own manifest keeps code-server out of the project's dependencies and lockfile.
  cat >"$install_dir/package.json" <<EOF
{
  "name": "kubestellar-e2e-code-server",
  "private": true,
  "description": "code-server for the end-to-end tests; installed by scripts/e2e/setup-code-server.sh",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" }
}
EOF
  local scratch="$install_dir/scratch"
  mkdir -p "$scratch/tmp" "$scratch/config" "$scratch/data" "$scratch/cache"
  local ripgrep_cache="$scratch/tmp/$RIPGREP_CACHE_NAME"
  if [ ! -f "$ripgrep_cache/$RIPGREP_TARBALL" ]; then
    mkdir -p "$ripgrep_cache"
    tar -czf "$ripgrep_cache/$RIPGREP_TARBALL" -C "$(dirname "$(command -v rg)")" rg
  fi
  (
    cd "$install_dir"
    # unsafe_perm: code-server's postinstall refuses to run as root otherwise.
    # yes: node-pty's postinstall runs `npx node-gyp`, which would prompt.
    # nodedir: node-gyp cannot download Node's headers here; Debian's are in /usr/include/node.
    TMPDIR="$scratch/tmp" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
      XDG_CACHE_HOME="$scratch/cache" \
      npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="${npm_config_nodedir:-/usr}" \
      npm install --no-audit --no-fund --loglevel=error
  )
  local version
  version="$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$install_dir/node_modules/code-server/package.json")"
  if [ "$version" != "$CODE_SERVER_VERSION" ]; then
    log "expected code-server $CODE_SERVER_VERSION, npm installed $version" >&2
    exit 1
  fi
  touch "$install_marker"
}

install_debian_packages
install_code_server
log "ready in $((SECONDS - started_at)) s"
