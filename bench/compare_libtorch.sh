#!/usr/bin/env bash
# LibTorch 1.13 (Debian, build/) against LibTorch 2.x (PyPI's wheel, build-torch2/, see
# scripts/setup-libtorch2) on the CPU: caption_bench and train_bench, the same arguments, one after
# the other on the same machine, then a side-by-side table with the CPU model and its vector flags.
#
#   bench/compare_libtorch.sh [--preset git-base] [--precisions fp32] [--threads N]
#
# Both builds must have their benchmarks built (cmake --build build --target caption_bench train_bench,
# likewise build-torch2). bf16 is only worth timing on CPUs with AVX-512 BF16 or AMX (see the flags).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset=git-base
precisions=fp32
threads=0
while (($#)); do
  case $1 in
    --preset) preset=$2; shift 2 ;;
    --precisions) precisions=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare_libtorch: unknown option $1" >&2; exit 2 ;;
  esac
done

builds=(build build-torch2)
for b in "${builds[@]}"; do
  for t in caption_bench train_bench; do
    [[ -x $b/bin/$t ]] || { echo "compare_libtorch: $b/bin/$t is missing (cmake --build $b --target $t)" >&2; exit 1; }
  done
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each benchmark runs on both builds back to back, so a change in the machine's load touches both.
for b in "${builds[@]}"; do
  echo "compare_libtorch: $b: caption_bench" >&2
  OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 "$b/bin/caption_bench" --preset "$preset" --images 8 --runs 3 --threads "$threads" >"$out/$b.caption" 2>&1
done
for b in "${builds[@]}"; do
  echo "compare_libtorch: $b: train_bench" >&2
  OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 "$b/bin/train_bench" --presets "tiny,$preset" --batches 1,8 --precisions "$precisions" \
    --threads "$threads" >"$out/$b.train" 2>&1
done

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
flags=$(grep -m1 -o -w -E 'avx2|fma|avx512f|avx512_bf16|avx512_vnni|avx_vnni|amx_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')
echo
echo "CPU: $cpu, $(nproc) cores; flags: ${flags:-none of avx2/avx512/amx}"
for b in "${builds[@]}"; do echo "$b: $(head -1 "$out/$b.train" | sed 's/^train_bench: //')"; done
echo

# caption_bench: the figures that matter, one row each.
cap() { # file label regex field
  awk -v re="$2" -v f="$3" '$0 ~ re { print $f; exit }' "$1"
}
printf '%-40s %14s %14s %8s\n' "caption_bench ($preset)" "1.13" "2.x" "2.x gain"
row() { # label 1.13-value 2.x-value higher-is-better(1/0)
  awk -v l="$1" -v a="$2" -v b="$3" -v h="$4" 'BEGIN {
    g = (a > 0 && b > 0) ? (h ? b / a : a / b) : 0
    printf "%-40s %14s %14s %7.2fx\n", l, a, b, g }'
}
row "load time, s" "$(cap "$out/build.caption" '^load time' 3)" "$(cap "$out/build-torch2.caption" '^load time' 3)" 0
row "latency batch 1, s/image" "$(cap "$out/build.caption" '^latency, batch 1' 5)" "$(cap "$out/build-torch2.caption" '^latency, batch 1' 5)" 0
row "  ms/token" "$(cap "$out/build.caption" '^latency, batch 1' 7)" "$(cap "$out/build-torch2.caption" '^latency, batch 1' 7)" 0
row "throughput batch 8, images/s" "$(cap "$out/build.caption" '^throughput, batch 8' 4)" "$(cap "$out/build-torch2.caption" '^throughput, batch 8' 4)" 1
row "peak RSS, MiB" "$(cap "$out/build.caption" '^peak RSS' 3)" "$(cap "$out/build-torch2.caption" '^peak RSS' 3)" 0
echo

# train_bench: ms/step of each (preset, batch, precision) row, side by side.
printf '%-40s %14s %14s %8s\n' "train_bench ms/step (preset batch prec)" "1.13" "2.x" "2.x gain"
trainrows() { awk '$1 ~ /^(tiny|git-base|git-large)$/ && $2 ~ /^[0-9]+$/ { print $1, $2, $3, $5 }' "$1"; }
join -j1 <(trainrows "$out/build.train" | awk '{ print $1"/"$2"/"$3, $4 }' | sort) \
         <(trainrows "$out/build-torch2.train" | awk '{ print $1"/"$2"/"$3, $4 }' | sort) |
  while read -r key a b; do row "$(tr '/' ' ' <<<"$key")" "$a" "$b" 0; done

if [[ -n ${COMPARE_KEEP:-} ]]; then
  mkdir -p "$COMPARE_KEEP" && cp "$out"/* "$COMPARE_KEEP"/ && echo "raw outputs: $COMPARE_KEEP" >&2
fi
