#!/usr/bin/env node
// ref_node.mjs — the reference side of the differential tests: runs a Wasm
// module in node's WebAssembly (V8) and answers like `wasm2bpf run` does.
//
//   node ref_node.mjs MODULE.wasm --invoke FUNC [TYPE:VALUE ...]
//       one call: prints each result as TYPE:VALUE (unsigned decimal of the
//       bit pattern), one per line, exit 0; on a trap `trap: MESSAGE`, exit 3;
//       a module that does not compile or instantiate (its imports: env.abort
//       alone, IMPORTS below): exit 1
//   node ref_node.mjs MODULE.wasm --batch
//       instantiates once and reads `invoke HEXNAME TYPE:VALUE ...` lines on
//       stdin; answers one line each: `ok TYPE:VALUE ...`, `trap MESSAGE` or
//       `error MESSAGE` (the protocol of `wasm2bpf run --batch`, docs/cli.md).
//       Prints `ready` once instantiated. Calls share the instance (memory
//       and globals carry over), as they do in the kernel.
//
// Values: arguments are unsigned or negative decimal or 0x hex; i64 is passed
// to and from JS as BigInt. Trap messages are V8's mapped to the spec's
// wording (the one wasm2bpf prints).
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const VALTYPES = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128",
                   0x70: "funcref", 0x6f: "externref" };

// Export name -> { params: [type], results: [type] } for exported functions,
// read from the binary (node 20 has no type reflection).
function exportSignatures(bytes) {
  let p = 8;
  const u8 = () => bytes[p++];
  const uleb = () => {
    let v = 0, shift = 0, b;
    do { b = bytes[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return v;
  };
  const name = () => { const n = uleb(); const s = Buffer.from(bytes.subarray(p, p + n)).toString("utf8"); p += n; return s; };
  const limits = () => { const f = u8(); uleb(); if (f & 1) uleb(); };
  const types = [], funcTypes = [], exports = new Map();
  while (p < bytes.length) {
    const id = u8(), size = uleb(), end = p + size;
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        u8(); // 0x60
        const params = [], results = [];
        for (let k = uleb(); k > 0; k--) params.push(VALTYPES[u8()] || "?");
        for (let k = uleb(); k > 0; k--) results.push(VALTYPES[u8()] || "?");
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        name(); name();
        const kind = u8();
        if (kind === 0) funcTypes.push(uleb());
        else if (kind === 1) { u8(); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) { u8(); u8(); }
        else if (kind === 4) { u8(); uleb(); }
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) funcTypes.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const nm = name(), kind = u8(), idx = uleb();
        if (kind === 0) exports.set(nm, types[funcTypes[idx]]);
      }
    }
    p = end;
  }
  return exports;
}

// What a module may import: AssemblyScript's env.abort (an assertion or
// bounds check that failed) ends the call, as wasm2bpf makes it: the trap
// `unreachable`.
const IMPORTS = {
  env: { abort: () => { throw new WebAssembly.RuntimeError("unreachable"); } },
};

const TRAPS = [
  [/^divide by zero$|^remainder by zero$/, "integer divide by zero"],
  [/^divide result unrepresentable$|^integer overflow$/, "integer overflow"],
  [/^unreachable$/, "unreachable"],
  [/^memory access out of bounds$/, "out of bounds memory access"],
  [/^float unrepresentable in integer range$/, "invalid conversion to integer"],
  [/^table index is out of bounds$/, "undefined element"],
  [/^null function or function signature mismatch$|^function signature mismatch$/, "indirect call type mismatch"],
  [/^Maximum call stack size exceeded$/, "call stack exhausted"],
];

function trapMessage(e) {
  const msg = String(e && e.message !== undefined ? e.message : e);
  for (const [re, spec] of TRAPS) if (re.test(msg)) return spec;
  return msg;
}

function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError || e instanceof RangeError;
}

function parseArg(tok, want) {
  const i = tok.indexOf(":");
  if (i < 0) throw new Error(`bad argument ${tok}`);
  const type = tok.slice(0, i), text = tok.slice(i + 1);
  if (type !== want) throw new Error(`argument ${tok}: the function expects ${want}`);
  let big;
  if (/^-?0x[0-9a-f]+$/i.test(text)) big = text[0] === "-" ? -BigInt(text.slice(1)) : BigInt(text);
  else if (/^-?[0-9]+$/.test(text)) big = BigInt(text);
  else throw new Error(`bad value in ${tok}`);
  if (type === "i32") return Number(BigInt.asIntN(32, big));
  if (type === "i64") return BigInt.asIntN(64, big);
  throw new Error(`argument type ${type} is not supported`);
}

function formatResult(type, v) {
  if (type === "i32") return `i32:${v >>> 0}`;
  if (type === "i64") return `i64:${BigInt.asUintN(64, BigInt(v))}`;
  throw new Error(`result type ${type} is not supported`);
}

// Calls `name` with the TYPE:VALUE tokens; returns { ok: [..] } or { trap } or { error }.
function call(instance, sigs, name, toks) {
  const fn = instance.exports[name], sig = sigs.get(name);
  if (typeof fn !== "function" || !sig) return { error: `no exported function '${name}'` };
  let args;
  try {
    if (toks.length !== sig.params.length)
      throw new Error(`'${name}' takes ${sig.params.length} arguments, got ${toks.length}`);
    args = toks.map((t, k) => parseArg(t, sig.params[k]));
  } catch (e) {
    return { error: e.message };
  }
  let r;
  try {
    r = fn(...args);
  } catch (e) {
    if (isTrap(e)) return { trap: trapMessage(e) };
    return { error: `${e.name}: ${e.message}` };
  }
  try {
    const vals = sig.results.length === 0 ? [] : sig.results.length === 1 ? [r] : Array.from(r);
    return { ok: sig.results.map((t, k) => formatResult(t, vals[k])) };
  } catch (e) {
    return { error: e.message };
  }
}

function usage() {
  process.stderr.write("usage: node ref_node.mjs MODULE.wasm --invoke FUNC [TYPE:VALUE ...]\n" +
                       "       node ref_node.mjs MODULE.wasm --batch\n");
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.length < 2) usage();
const file = argv[0], mode = argv[1];
let bytes, instance, sigs;
try {
  bytes = readFileSync(file);
} catch (e) {
  process.stderr.write(`ref_node: ${file}: ${e.message}\n`);
  process.exit(2);
}
try {
  sigs = exportSignatures(bytes);
  instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), IMPORTS);
} catch (e) {
  if (isTrap(e)) { // a start function or data segment trapped
    process.stdout.write(`trap: ${trapMessage(e)}\n`);
    process.exit(3);
  }
  process.stderr.write(`ref_node: ${file}: ${e.message}\n`);
  process.exit(1);
}

if (mode === "--invoke") {
  if (argv.length < 3) usage();
  const r = call(instance, sigs, argv[2], argv.slice(3));
  if (r.ok) { for (const v of r.ok) process.stdout.write(v + "\n"); process.exit(0); }
  if (r.trap !== undefined) { process.stdout.write(`trap: ${r.trap}\n`); process.exit(3); }
  process.stderr.write(`ref_node: ${r.error}\n`);
  process.exit(2);
} else if (mode === "--batch") {
  process.stdout.write("ready\n");
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => {
    const toks = line.trim().split(/\s+/).filter(Boolean);
    if (toks.length === 0) return;
    let out;
    if (toks[0] !== "invoke" || toks.length < 2 || !/^([0-9a-f]{2})*$/i.test(toks[1])) {
      out = "error bad command";
    } else {
      const name = Buffer.from(toks[1], "hex").toString("utf8");
      const r = call(instance, sigs, name, toks.slice(2));
      out = r.ok ? ["ok", ...r.ok].join(" ") : r.trap !== undefined ? `trap ${r.trap}` : `error ${r.error}`;
    }
    process.stdout.write(out + "\n");
  });
} else {
  usage();
}
