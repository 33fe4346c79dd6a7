#!/usr/bin/env bash
# Set up hegui-check on a fresh machine and run one job:
#   bash scripts/setup.sh demo   -> install everything, render the demo report into hegui-demo/
#   bash scripts/setup.sh test   -> install everything (with test tools) and run the test suite
# System libraries come from the OS package manager (Debian/Ubuntu: apt; macOS: Homebrew);
# Python packages, including the Chinese font, come from PyPI into .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
PYTHON="${PYTHON:-python3}"

install_system_libs() {
  if command -v apt-get >/dev/null 2>&1; then
    local pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils"
    local missing=""
    for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "安装系统库：$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    $sudo apt-get install -y -q --no-install-recommends $missing \
      || { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing; }
  elif command -v brew >/dev/null 2>&1; then
    brew list pango >/dev/null 2>&1 || brew install pango
  else
    echo "提示：未找到 apt-get 或 brew；PDF 需要 Pango，安装方法见 hegui-check doctor。" >&2
  fi
}

install_system_libs
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip

case "$mode" in
  demo)
    .venv/bin/python -m pip install -q .
    .venv/bin/hegui-check demo -o hegui-demo --force
    echo "示例报告：hegui-demo/demo-report.pdf"
    echo
    echo "下一步：为自己的企业做一次体检（约 20 分钟，可随时中断后继续）："
    echo "  .venv/bin/hegui-check check -o 我的企业.yaml"
    ;;
  test)
    .venv/bin/python -m pip install -q -e ".[test,scale]"  # scale (dask, ~6 s to install) runs the Dask recipe test
    .venv/bin/ruff check src tests scripts bench
    .venv/bin/ruff format --check src tests scripts bench
    .venv/bin/mypy
    .venv/bin/python -m pytest
    echo
    echo "测试完成。运行示例：.venv/bin/hegui-check demo -o hegui-demo；开始体检：.venv/bin/hegui-check check -o 我的企业.yaml"
    ;;
  *)
    echo "用法：bash scripts/setup.sh [demo|test]" >&2
    exit 2
    ;;
esac
