// ARGS: --entry square_sum=syscall --entry checked=syscall
// AssemblyScript's top-level statements are the module's start function:
// it fills the table of squares (a heap allocation by the stub runtime)
// and sets `calls`, once per instance, before the first call; the calls
// then see what it left and what the calls before them left (1030, then
// 2030: node's answers). The runtime's memory.grow (a heap past the
// declared page) answers -1 as Wasm allows, and its env.abort (a failed
// bounds check) ends the call with a trap, as the JavaScript loader's
// throw does.
// INVOKE: square_sum i32:5 => i32:1030
// INVOKE: square_sum i32:5 => i32:2030
// INVOKE: checked i32:3 => i32:9
// INVOKE: checked i32:16 => trap unreachable
const squares = new StaticArray<i32>(16);
for (let i = 0; i < 16; i++) squares[i] = i * i;
let calls: i32 = 0;

export function square_sum(n: i32): i32 {
  calls++;
  let s = 0;
  for (let i = 0; i < n && i < 16; i++) s += unchecked(squares[i]);
  return s + calls * 1000;
}

export function checked(i: i32): i32 {
  return squares[i];
}
