#!/usr/bin/env bash
# Measures the firmware under QEMU and prints a Markdown table: flash and RAM (static data plus
# stack high water) of the inference-only and the training firmware, instructions per inference
# and per training step (generated code and the same network by hand with nalgebra), and the
# accuracies reached, for the Cortex-M4F (mps2-an386) and the Cortex-M0 (micro:bit).
#
# Usage: firmware/measure.sh [PROFILE...]   (default: release; also try release-o3)
# Needs qemu-system-arm (`.ci/embedded` installs it). Instruction counts come from SysTick under
# `qemu-system-arm -icount shift=0` (one instruction per nanosecond of virtual time): they are
# exact and the same on every machine, for the same binary.
set -euo pipefail
cd "$(dirname "$0")"

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(release)
targets=(thumbv7em-none-eabihf thumbv6m-none-eabi)
declare -A value

run() { # profile target bin: runs the firmware, records its `key value` lines
  local profile=$1 target=$2 bin=$3 output
  if ! output=$(cargo run -q --profile "$profile" --target "$target" --bin "$bin" 2>&1); then
    printf '%s\n' "$output" >&2
    echo "measure.sh: $bin failed on $target ($profile)" >&2
    exit 1
  fi
  while read -r key val; do
    if [[ $val =~ ^[0-9]+$ ]]; then value["$profile/$target/$bin/$key"]=$val; fi
  done <<<"$output"
}

v() { echo "${value[$1/$2/$3]:-MISSING}"; }
# 12345 -> 12,345
n() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<<"$1"; }
# generated vs by hand: "g / h (+x.x%)"
vs() { awk -v g="$1" -v h="$2" 'BEGIN { printf "%+.1f%%", 100 * (g - h) / h }'; }
ram() { echo "$(n $(($1 + $2))) ($(n "$1") + $(n "$2"))"; }

for profile in "${profiles[@]}"; do
  for target in "${targets[@]}"; do
    echo "building $profile for $target" >&2
    nice cargo build -q --profile "$profile" --target "$target" --bins
    for bin in sine train bench; do
      run "$profile" "$target" "$bin"
    done
  done
done

table() {
  local p=$1 m=thumbv7em-none-eabihf z=thumbv6m-none-eabi
  cat <<TABLE

Profile \`$p\` ($(grep -A3 "^\[profile.$p\]" Cargo.toml | grep -o 'opt-level = [^ ]*' | head -1 || true); LTO, one codegen unit):

| | Cortex-M4F (\`thumbv7em-none-eabihf\`, mps2-an386) | Cortex-M0 (\`thumbv6m-none-eabi\`, micro:bit) |
|---|---:|---:|
| **inference firmware** (\`sine\`, 1-16-16-1): flash | $(n $(v $p $m sine/memory.flash)) B | $(n $(v $p $z sine/memory.flash)) B |
| RAM: static + stack high water | $(ram $(v $p $m sine/memory.static_ram) $(v $p $m sine/memory.stack)) B | $(ram $(v $p $z sine/memory.static_ram) $(v $p $z sine/memory.stack)) B |
| instructions per inference | $(n $(v $p $m sine/sine.inference.instructions)) | $(n $(v $p $z sine/sine.inference.instructions)) |
| **training firmware** (\`train\`: XOR, iris 4-16-16-3 with Adam): flash | $(n $(v $p $m train/memory.flash)) B | $(n $(v $p $z train/memory.flash)) B |
| RAM: static + stack high water | $(ram $(v $p $m train/memory.static_ram) $(v $p $m train/memory.stack)) B | $(ram $(v $p $z train/memory.static_ram) $(v $p $z train/memory.stack)) B |
| instructions per iris training step in \`Fit\` (batch 16, Adam) | $(n $(v $p $m train/iris.step.instructions)) | $(n $(v $p $z train/iris.step.instructions)) |
| instructions per XOR epoch (full batch of 4, SGD) | $(n $(v $p $m train/xor.step.instructions)) | $(n $(v $p $z train/xor.step.instructions)) |
| iris training step, generated vs by hand (\`bench\`) | $(n $(v $p $m bench/bench.train_step.generated.instructions)) vs $(n $(v $p $m bench/bench.train_step.by_hand.instructions)) ($(vs $(v $p $m bench/bench.train_step.generated.instructions) $(v $p $m bench/bench.train_step.by_hand.instructions))) | $(n $(v $p $z bench/bench.train_step.generated.instructions)) vs $(n $(v $p $z bench/bench.train_step.by_hand.instructions)) ($(vs $(v $p $z bench/bench.train_step.generated.instructions) $(v $p $z bench/bench.train_step.by_hand.instructions))) |
| iris inference, generated vs by hand | $(n $(v $p $m bench/bench.iris_inference.generated.instructions)) vs $(n $(v $p $m bench/bench.iris_inference.by_hand.instructions)) ($(vs $(v $p $m bench/bench.iris_inference.generated.instructions) $(v $p $m bench/bench.iris_inference.by_hand.instructions))) | $(n $(v $p $z bench/bench.iris_inference.generated.instructions)) vs $(n $(v $p $z bench/bench.iris_inference.by_hand.instructions)) ($(vs $(v $p $z bench/bench.iris_inference.generated.instructions) $(v $p $z bench/bench.iris_inference.by_hand.instructions))) |
| sine inference, generated vs by hand | $(n $(v $p $m bench/bench.sine_inference.generated.instructions)) vs $(n $(v $p $m bench/bench.sine_inference.by_hand.instructions)) ($(vs $(v $p $m bench/bench.sine_inference.generated.instructions) $(v $p $m bench/bench.sine_inference.by_hand.instructions))) | $(n $(v $p $z bench/bench.sine_inference.generated.instructions)) vs $(n $(v $p $z bench/bench.sine_inference.by_hand.instructions)) ($(vs $(v $p $z bench/bench.sine_inference.generated.instructions) $(v $p $z bench/bench.sine_inference.by_hand.instructions))) |
| XOR: cases right | $(v $p $m train/xor.correct)/4 | $(v $p $z train/xor.correct)/4 |
| iris accuracy: training, held out | $(v $p $m train/iris.train.correct)/120, $(v $p $m train/iris.held_out.correct)/30 | $(v $p $z train/iris.train.correct)/120, $(v $p $z train/iris.held_out.correct)/30 |
TABLE
}

for p in "${profiles[@]}"; do
  output=$(table "$p")
  printf '%s\n' "$output"
  if [[ $output == *MISSING* ]]; then
    echo "measure.sh: a firmware did not report every figure" >&2
    exit 1
  fi
done
