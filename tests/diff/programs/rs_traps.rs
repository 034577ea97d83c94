// Rust panics are Wasm traps (the panic handler is `unreachable`): a slice
// index past the end, unwrap of None, an explicit division by zero check,
// an overflowing shift caught by checked_shl; and the Wasm trap of an
// unchecked 32-bit division (wrapping_div by zero still panics in Rust, so
// the trap is the panic's). Calls that do not trap agree too.
// ARGS: index i32:3
// ARGS: index i32:8
// ARGS: index i32:100
// ARGS: unwrap i32:4
// ARGS: unwrap i32:0
// ARGS: divide i32:100 i32:7
// ARGS: divide i32:100 i32:0
// ARGS: shift i32:1 i32:31
// ARGS: shift i32:1 i32:40
// ARGS: index i32:2
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

static TABLE: [u32; 8] = [3, 1, 4, 1, 5, 9, 2, 6];

fn opaque<T: Copy>(v: T) -> T {
    unsafe { core::ptr::read_volatile(&v) }
}

#[no_mangle]
pub extern "C" fn index(i: u32) -> u32 {
    let t: &[u32] = opaque(&TABLE[..]);
    t[i as usize] * 10 + t.len() as u32
}

#[no_mangle]
pub extern "C" fn unwrap(n: u32) -> u32 {
    let v = if opaque(n) > 0 { Some(n * 3) } else { None };
    v.unwrap() + 1
}

#[no_mangle]
pub extern "C" fn divide(a: u32, b: u32) -> u32 {
    opaque(a) / opaque(b)
}

#[no_mangle]
pub extern "C" fn shift(a: u32, s: u32) -> u32 {
    a.checked_shl(opaque(s)).expect("shift overflow")
}
