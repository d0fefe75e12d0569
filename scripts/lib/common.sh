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

# language_packages KEYS: the sandbox and the Debian packages of the toolchains KEYS name
# (scripts/lib/languages: "default", "all", or a comma list of its keys). A toolchain already on
# PATH by other means (Node.js from NodeSource, the .NET SDK from Microsoft) is not installed again.
language_packages() {
  local keys="${1:-default}" table
  table="$(dirname "${BASH_SOURCE[0]}")/languages"
  local pkgs=(bubblewrap util-linux tar coreutils)
  local known
  known="$(awk '!/^#/ && NF {print $1}' "$table" | tr '\n' ' ')"
  if [ "$keys" != all ] && [ "$keys" != default ]; then
    local key
    for key in ${keys//,/ }; do
      case " $known " in *" $key "*) ;; *) echo "error: --languages: unknown language '$key' (known: all, default, $known)" >&2; return 2 ;; esac
    done
  fi
  # shellcheck disable=SC2046
  pkgs+=($(awk -v keys=",$keys," '!/^#/ && NF && (keys == ",all," || (keys == ",default," && $2 == "yes") || index(keys, "," $1 ",")) { for (i = 4; i <= NF; i++) print $i }' "$table"))
  local out=() pkg
  for pkg in "${pkgs[@]}"; do
    case "$pkg" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      dotnet-sdk-*) command -v dotnet >/dev/null 2>&1 && continue ;;
    esac
    case " ${out[*]} " in *" $pkg "*) ;; *) out+=("$pkg") ;; esac
  done
  echo "${out[@]}"
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "error: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
}
