#!/usr/bin/env bash
# Install the system tools lzfk uses when they are present:
#   graphviz + CJK fonts  — 权力运行流程图 (flowcharts) in the handbook and HTML
#   --pdf: LibreOffice + poppler — PDF previews of the Word documents (and their tests)
#   --browser: Chromium + ChromeDriver — the browser tests of the 公示 site (tests/public/)
# It never fails a build: whatever cannot be installed is named, and lzfk (and the tests)
# then skip that part with a message.
set -u
packages=(graphviz fonts-noto-cjk)
for option in "$@"; do
  case "$option" in
    --pdf) packages+=(libreoffice-writer-nogui poppler-utils) ;;
    --browser) packages+=(chromium chromium-driver) ;;
    *) echo "lzfk: unknown option $option (use --pdf, --browser)"; exit 0 ;;
  esac
done
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "lzfk: system tools present: ${packages[*]}"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lzfk: no apt-get here; install ${missing[*]} yourself (flowcharts, PDF previews and browser tests are skipped without them)"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "lzfk: not root and no sudo; install ${missing[*]} yourself (flowcharts, PDF previews and browser tests are skipped without them)"
    exit 0
  fi
fi
echo "lzfk: installing ${missing[*]}"
if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "lzfk: installed ${missing[*]}"
else
  echo "lzfk: could not install ${missing[*]}; flowcharts, PDF previews or browser tests will be skipped"
fi
exit 0
