// AssemblyScript traps: unreachable(), an assertion that fails (the stub
// runtime calls env.abort: wasm2bpf makes it the trap `unreachable`, as
// the reference's env.abort does), Wasm's own traps (i32 division by zero,
// a signed overflow, a load past the memory); calls that do not trap agree.
// ARGS: check i32:5
// ARGS: check i32:0
// ARGS: divide i32:100 i32:7
// ARGS: divide i32:100 i32:0
// ARGS: divide i32:-2147483648 i32:-1
// ARGS: peek i32:8
// ARGS: peek i32:70000
// ARGS: never i32:1
// ARGS: check i32:2
export function check(n: u32): u32 {
  assert(n != 0, "n must not be 0");
  return 100 / n;
}

export function divide(a: i32, b: i32): i32 {
  return a / b;
}

export function peek(at: u32): u32 {
  return load<u32>(<usize>at);
}

export function never(x: u32): u32 {
  if (x) unreachable();
  return 1;
}
