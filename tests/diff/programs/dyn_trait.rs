// Rust trait objects and closures: calls through vtables (&dyn Trait,
// &dyn Fn) are call_indirect through the module's table, which wasm2bpf
// dispatches statically; a recursive walk over an expression tree is
// compiled as nested copies: 3 levels deep here, as many as fit the
// kernel's stack at opt-level=2, where each level nests a loop callback
// (a deeper tree traps "call stack exhausted" there, and agrees at 0).
// ARGS: area_sum i32:0
// ARGS: area_sum i32:5
// ARGS: area_sum i32:77
// ARGS: apply i32:0 i32:7
// ARGS: apply i32:1 i32:7
// ARGS: apply i32:2 i32:7
// ARGS: apply i32:3 i32:7
// ARGS: eval i32:1 i32:2
// ARGS: eval i32:100 i32:7
#![no_std]

/* an opaque copy: keeps rustc from resolving the calls at compile time
 * (core::hint::black_box is unstable in Debian's rustc 1.63) */
fn opaque<T: Copy>(v: T) -> T {
    unsafe { core::ptr::read_volatile(&v) }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

trait Shape {
    fn area(&self) -> u32;
    fn sides(&self) -> u32;
}

struct Square(u32);
struct Rect(u32, u32);
struct Tri(u32);

impl Shape for Square {
    fn area(&self) -> u32 { self.0.wrapping_mul(self.0) }
    fn sides(&self) -> u32 { 4 }
}
impl Shape for Rect {
    fn area(&self) -> u32 { self.0.wrapping_mul(self.1) }
    fn sides(&self) -> u32 { 4 }
}
impl Shape for Tri {
    fn area(&self) -> u32 { self.0.wrapping_mul(self.0) / 2 }
    fn sides(&self) -> u32 { 3 }
}

#[inline(never)]
fn total(shapes: &[&dyn Shape]) -> u32 {
    shapes.iter().fold(0u32, |acc, s| acc.wrapping_add(s.area().wrapping_mul(s.sides())))
}

#[no_mangle]
pub extern "C" fn area_sum(n: u32) -> u32 {
    let a = Square(n);
    let b = Rect(n, n.wrapping_add(3));
    let c = Tri(n.wrapping_mul(2));
    let all: [&dyn Shape; 3] = [&a, &b, &c];
    let k = opaque(n as usize % 3);
    total(&all[k..]).wrapping_add(total(&all))
}

#[inline(never)]
fn run(f: &dyn Fn(u32) -> u32, x: u32) -> u32 {
    f(f(x))
}

#[no_mangle]
pub extern "C" fn apply(which: u32, x: u32) -> u32 {
    let k = 3u32;
    let add = move |v: u32| v.wrapping_add(k);
    let mul = |v: u32| v.wrapping_mul(5);
    let sq = |v: u32| v.wrapping_mul(v);
    let fs: [&dyn Fn(u32) -> u32; 3] = [&add, &mul, &sq];
    run(fs[opaque(which as usize) % 3], x)
}

enum Expr<'a> {
    Num(u32),
    Add(&'a Expr<'a>, &'a Expr<'a>),
    Mul(&'a Expr<'a>, &'a Expr<'a>),
}

#[inline(never)]
fn eval_expr(e: &Expr) -> u32 {
    match e {
        Expr::Num(v) => *v,
        Expr::Add(a, b) => eval_expr(a).wrapping_add(eval_expr(b)),
        Expr::Mul(a, b) => eval_expr(a).wrapping_mul(eval_expr(b)),
    }
}

#[no_mangle]
pub extern "C" fn eval(x: u32, y: u32) -> u32 {
    let a = Expr::Num(opaque(x));
    let b = Expr::Num(y);
    let s = Expr::Add(&a, &b);
    let p = Expr::Mul(&s, &a);
    eval_expr(&p)
}
