# Shared helpers for scripts/*. Source it; it never changes the caller's options.

# as_root CMD...: run a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages PKG...: install the Debian/Ubuntu packages that are missing, nothing else.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The sandbox and the toolchains the README promises (C, C++, Python 3, JavaScript, Bash, Java,
# SQL, Perl; C# comes from the .NET SDK that builds CodeRunner).
runtime_packages() {
  local pkgs=(bubblewrap util-linux gcc g++ libc6-dev python3 bash coreutils sqlite3 perl default-jdk-headless)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
  echo "${pkgs[@]}"
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "error: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
}
