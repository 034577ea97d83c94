#!/usr/bin/env python3
"""Random integer WebAssembly programs (text format) for the differential
tests: deterministic from a seed.

    tests/diff/gen_programs.py --seed S [--count N] [--out DIR]

writes gen-S-K.wat for K in 0..N-1 (one program per seed without --count:
gen-S.wat). Each is a module of a few functions over i32 and i64:
arithmetic (div/rem with divisors that may be zero or -1, shifts and
rotations by any amount, clz/ctz/popcnt, compares, wraps and sign/zero
extensions, select, memory.size), locals, two mutable globals, blocks
left by br_if and br_table, ifs, loops bounded by a counter (a constant or
a masked value as their trip count), loads and stores of every width
within a small memory (now and then at an address that may be out of
bounds, or near the memory's end where an access may straddle it: the
trap is part of the test), and calls from each function to the ones
before it (no recursion). Every function is exported, taking and
returning integers; the file's header lists the calls to make, as
tests/diff/programs/*.wat do:

    ;; ARGS: f1 i32:4294967295 i64:7

so that a program saved there is a regression test of run_diff.py as it
is. Program K of a batch is the program of seed S*100003+K: a failure is
reproduced with its own file, or the batch from S.
"""

import argparse
import os
import random

TYPES = ("i32", "i64")
BITS = {"i32": 32, "i64": 64}
MEM_MASK = 1023  # the usual addresses: the first KiB (+ offset <= 64)


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.label = 0
        self.funcs = []  # (name, params, result) of functions already made

    def fresh(self, stem):
        self.label += 1
        return "$%s%d" % (stem, self.label)

    # ---- values -------------------------------------------------------------

    def const(self, t):
        r = self.r
        bits = BITS[t]
        c = r.random()
        if c < 0.35:
            v = r.randint(0, 16)
        elif c < 0.55:
            v = r.choice([-1, -2, 1 << (bits - 1), (1 << (bits - 1)) - 1, 255, 256, 65535, 0x8000,
                          1 << 31, (1 << 32) - 1, bits - 1, bits, bits + 1])
        elif c < 0.75:
            v = r.randint(-1000, 1000)
        else:
            v = r.getrandbits(bits)
        v &= (1 << bits) - 1
        if v >= 1 << (bits - 1):
            v -= 1 << bits
        return "(%s.const %d)" % (t, v)

    def leaf(self, t, env):
        r = self.r
        choices = ["const"]
        if env["locals"][t]:
            choices += ["local"] * 3
        choices += ["global"]
        k = r.choice(choices)
        if k == "local":
            return "(local.get %s)" % r.choice(env["locals"][t])
        if k == "global":
            return "(global.get $g_%s)" % t
        return self.const(t)

    def addr(self, env, d):
        """An address: most in the first KiB, a few anywhere (may trap)."""
        c = self.r.random()
        if c < 0.06:
            return self.expr("i32", env, d - 1)
        if c < 0.16:
            # near the end of the memory: the last accesses in bounds, and
            # ones that straddle it
            return "(i32.add (i32.const %d) (i32.and %s (i32.const %d)))" % (
                self.r.choice([64512, 65024, 65280, 65472, 65500, 65528]),
                self.expr("i32", env, d - 1), self.r.choice([7, 63, 1023]))
        return "(i32.and %s (i32.const %d))" % (self.expr("i32", env, d - 1), MEM_MASK)

    def load(self, t, env, d):
        r = self.r
        ops = (["i32.load", "i32.load8_s", "i32.load8_u", "i32.load16_s", "i32.load16_u"]
               if t == "i32" else
               ["i64.load", "i64.load8_s", "i64.load8_u", "i64.load16_s", "i64.load16_u",
                "i64.load32_s", "i64.load32_u"])
        off = r.choice([0, 0, 0, 1, 3, 4, 8, 33, 64])
        return "(%s%s %s)" % (r.choice(ops), " offset=%d" % off if off else "", self.addr(env, d))

    def divisor(self, t, env, d):
        e = self.expr(t, env, d - 1)
        c = self.r.random()
        if c < 0.08:  # the divisors of the traps and of rem_s's special case
            return "(%s.const %d)" % (t, self.r.choice([-1, -1, 0]))
        if c < 0.75:  # most not zero, so that the call goes on
            return "(%s.or %s (%s.const 1))" % (t, e, t)
        return e

    def expr(self, t, env, d):
        r = self.r
        if d <= 0 or r.random() < 0.2:
            return self.leaf(t, env)
        c = r.random()
        o = "i64" if t == "i32" else "i32"  # the other type
        if c < 0.30:
            op = r.choice(["add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u",
                           "rotl", "rotr", "add", "sub", "xor"])
            return "(%s.%s %s %s)" % (t, op, self.expr(t, env, d - 1), self.expr(t, env, d - 1))
        if c < 0.38:
            op = r.choice(["div_s", "div_u", "rem_s", "rem_u"])
            return "(%s.%s %s %s)" % (t, op, self.expr(t, env, d - 1), self.divisor(t, env, d))
        if c < 0.44:
            return "(%s.%s %s)" % (t, r.choice(["clz", "ctz", "popcnt"]), self.expr(t, env, d - 1))
        if c < 0.54:
            if t == "i32":
                k = r.random()
                if k < 0.5:
                    ct = r.choice(TYPES)
                    op = r.choice(["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u",
                                   "ge_s", "ge_u"])
                    return "(%s.%s %s %s)" % (ct, op, self.expr(ct, env, d - 1),
                                              self.expr(ct, env, d - 1))
                if k < 0.65:
                    ct = r.choice(TYPES)
                    return "(%s.eqz %s)" % (ct, self.expr(ct, env, d - 1))
                if k < 0.85:
                    return "(i32.wrap_i64 %s)" % self.expr(o, env, d - 1)
                return "(i32.%s %s)" % (r.choice(["extend8_s", "extend16_s"]),
                                        self.expr("i32", env, d - 1))
            k = r.random()
            if k < 0.6:
                return "(i64.%s %s)" % (r.choice(["extend_i32_s", "extend_i32_u"]),
                                        self.expr("i32", env, d - 1))
            return "(i64.%s %s)" % (r.choice(["extend8_s", "extend16_s", "extend32_s"]),
                                    self.expr("i64", env, d - 1))
        if c < 0.64:
            return self.load(t, env, d)
        if c < 0.70:
            callees = [f for f in self.funcs if f[2] == t]
            if callees:
                name, params, _ = r.choice(callees)
                return "(call %s%s)" % (name, "".join(" " + self.expr(p, env, d - 2) for p in params))
            return self.leaf(t, env)
        if c < 0.76:
            return "(select %s %s %s)" % (self.expr(t, env, d - 1), self.expr(t, env, d - 1),
                                          self.expr("i32", env, d - 1))
        if c < 0.82:
            return "(if (result %s) %s (then %s) (else %s))" % (
                t, self.expr("i32", env, d - 1), self.expr(t, env, d - 1), self.expr(t, env, d - 1))
        if c < 0.88:
            b = self.fresh("b")
            return "(block %s (result %s) (drop (br_if %s %s %s)) %s)" % (
                b, t, b, self.expr(t, env, d - 1), self.expr("i32", env, d - 1),
                self.expr(t, env, d - 1))
        if c < 0.93 and env["locals"][t]:
            return "(local.tee %s %s)" % (r.choice(env["locals"][t]), self.expr(t, env, d - 1))
        if t == "i32" and r.random() < 0.1:
            return "(memory.size)"
        if t == "i32" and r.random() < 0.3:
            # an i64 compare folded to i32, the way C's && and || come out
            return "(i32.and %s %s)" % (self.expr("i32", env, d - 1), self.expr("i32", env, d - 1))
        return self.leaf(t, env)

    # ---- statements ---------------------------------------------------------

    def stmt(self, env, d, loops):
        r = self.r
        t = r.choice(TYPES)
        c = r.random()
        if c < 0.25 and env["locals"][t]:
            return "(local.set %s %s)" % (r.choice(env["locals"][t]), self.expr(t, env, 3))
        if c < 0.33:
            return "(global.set $g_%s %s)" % (t, self.expr(t, env, 3))
        if c < 0.48:
            ops = (["i32.store", "i32.store8", "i32.store16"] if t == "i32" else
                   ["i64.store", "i64.store8", "i64.store16", "i64.store32"])
            off = r.choice([0, 0, 0, 2, 4, 8, 16, 64])
            return "(%s%s %s %s)" % (r.choice(ops), " offset=%d" % off if off else "",
                                     self.addr(env, 3), self.expr(t, env, 3))
        if d <= 0:
            return "(local.set %s %s)" % (r.choice(env["locals"]["i32"]), self.expr("i32", env, 2))
        if c < 0.60:
            return "(if %s (then %s) (else %s))" % (self.expr("i32", env, 2), self.stmts(env, d - 1, loops),
                                                    self.stmts(env, d - 1, loops))
        if c < 0.70:
            b = self.fresh("b")
            return "(block %s %s (br_if %s %s) %s)" % (b, self.stmts(env, d - 1, loops), b,
                                                      self.expr("i32", env, 2),
                                                      self.stmts(env, d - 1, loops))
        if c < 0.82 and loops < 2:
            # a counted loop: its counter is its own local; the trip count a
            # constant or a masked value (at most 15), and a way out early
            cnt = env["counters"][loops]
            lp, out = self.fresh("l"), self.fresh("x")
            bound = (str(r.randint(0, 12)) if r.random() < 0.6 else None)
            limit = ("(i32.const %s)" % bound if bound is not None else
                     "(i32.and %s (i32.const 15))" % self.expr("i32", env, 2))
            early = ("(br_if %s %s)" % (out, self.expr("i32", env, 2)) if r.random() < 0.4 else "")
            return ("(local.set %s (i32.const 0)) (block %s (loop %s %s %s "
                    "(local.set %s (i32.add (local.get %s) (i32.const 1))) "
                    "(br_if %s (i32.lt_u (local.get %s) %s))))" % (
                        cnt, out, lp, self.stmts(env, d - 1, loops + 1), early, cnt, cnt, lp, cnt,
                        limit))
        if c < 0.86:
            # br_table: to one of three nested blocks, or past all of them
            a, b, cc = self.fresh("t"), self.fresh("t"), self.fresh("t")
            return "(block %s (block %s (block %s (br_table %s %s %s %s)) %s) %s)" % (
                a, b, cc, cc, b, a, self.expr("i32", env, 2), self.stmts(env, d - 1, loops),
                self.stmts(env, d - 1, loops))
        if c < 0.90:
            callees = self.funcs
            if callees:
                name, params, _ = r.choice(callees)
                return "(drop (call %s%s))" % (name, "".join(" " + self.expr(p, env, 2) for p in params))
        if c < 0.95:
            return "(if %s (then (return %s)))" % (self.expr("i32", env, 2),
                                                   self.expr(env["result"], env, 2))
        return "(local.set %s %s)" % (r.choice(env["locals"]["i32"]), self.expr("i32", env, 3))

    def stmts(self, env, d, loops):
        return " ".join(self.stmt(env, d, loops) for _ in range(self.r.randint(1, 3)))

    # ---- functions and the module -----------------------------------------------

    def func(self, k):
        r = self.r
        params = [r.choice(TYPES) for _ in range(r.randint(0, 3))]
        result = r.choice(TYPES)
        extra = [r.choice(TYPES) for _ in range(r.randint(1, 4))]
        names = ["$p%d" % i for i in range(len(params))] + ["$v%d" % i for i in range(len(extra))]
        types = params + extra
        env = {"locals": {t: [n for n, u in zip(names, types) if u == t] for t in TYPES},
               "counters": ["$c0", "$c1"], "result": result}
        if not env["locals"]["i32"]:
            names.append("$v%d" % len(extra))
            types.append("i32")
            extra.append("i32")
            env["locals"]["i32"].append(names[-1])
        name = "$f%d" % k
        body = " ".join(self.stmt(env, 2, 0) for _ in range(r.randint(2, 6)))
        text = "  (func %s (export \"f%d\")%s (result %s)\n" % (
            name, k, "".join(" (param %s %s)" % (n, t) for n, t in zip(names, params)), result)
        text += "    %s (local $c0 i32) (local $c1 i32)\n" % " ".join(
            "(local %s %s)" % (n, t) for n, t in zip(names[len(params):], extra))
        text += "    %s\n    %s)\n" % (body, self.expr(result, env, 4))
        self.funcs.append((name, params, result))
        return text, params

    def arg(self, t):
        r = self.r
        bits = BITS[t]
        c = r.random()
        if c < 0.3:
            v = r.randint(0, 20)
        elif c < 0.5:
            v = r.choice([-1, 1 << (bits - 1), (1 << (bits - 1)) - 1, 1023, 1024, 65535, 65536,
                          (1 << 32) - 1, -(1 << 31)])
        else:
            v = r.getrandbits(bits)
        v &= (1 << bits) - 1
        return "%s:%d" % (t, v)

    def module(self):
        r = self.r
        nfuncs = r.randint(1, 4)
        funcs = [self.func(k) for k in range(nfuncs)]
        out = ["(module\n", "  (memory 1)\n",
               "  (global $g_i32 (mut i32) (i32.const %d))\n" % r.randint(-5, 100),
               "  (global $g_i64 (mut i64) (i64.const %d))\n" % r.randint(-5, 100),
               "  (data (i32.const 0) \"%s\")\n" % "".join("\\%02x" % r.getrandbits(8) for _ in range(64))]
        out += [text for text, _ in funcs]
        out.append(")\n")
        calls = []
        for _ in range(r.randint(2, 4)):  # rounds: the state carries over
            for k, (_, params) in enumerate(funcs):
                calls.append(";; ARGS: f%d%s\n" % (k, "".join(" " + self.arg(t) for t in params)))
        return "".join(calls) + "".join(out)


def program(seed):
    return Gen(random.Random(seed)).module()


def batch_seed(seed, k):
    return seed * 100003 + k


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int)
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.count is None:
        path = os.path.join(a.out, "gen-%d.wat" % a.seed)
        with open(path, "w") as f:
            f.write(";; tests/diff/gen_programs.py --seed %d\n" % a.seed + program(a.seed))
        print(path)
        return
    for k in range(a.count):
        s = batch_seed(a.seed, k)
        path = os.path.join(a.out, "gen-%d-%d.wat" % (a.seed, k))
        with open(path, "w") as f:
            f.write(";; tests/diff/gen_programs.py --seed %d (program %d of the batch of seed %d)\n"
                    % (s, k, a.seed) + program(s))
        print(path)


if __name__ == "__main__":
    main()
