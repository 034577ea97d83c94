// Rust structs and enums in static memory: particles with #[repr(C)]
// fields stepped and collided, an enum of commands matched, a struct
// returned through memory, Option and tuples.
// ARGS: reset i32:5
// ARGS: step i32:3
// ARGS: energy i32:0
// ARGS: apply i32:0 i32:17
// ARGS: apply i32:1 i32:4
// ARGS: apply i32:2 i32:9
// ARGS: apply i32:3 i32:2
// ARGS: energy i32:0
// ARGS: step i32:20
// ARGS: energy i32:0
// ARGS: nearest i32:100 i32:100
// ARGS: nearest i32:-50 i32:30
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Particle {
    x: i32,
    y: i32,
    vx: i16,
    vy: i16,
    mass: u8,
    alive: bool,
}

const N: usize = 12;
static mut PS: [Particle; N] = [Particle { x: 0, y: 0, vx: 0, vy: 0, mass: 0, alive: false }; N];
static mut COUNT: usize = 0;

fn ps() -> &'static mut [Particle] {
    unsafe { &mut PS[..COUNT] }
}

#[no_mangle]
pub extern "C" fn reset(n: u32) -> u32 {
    let n = (n as usize).min(N);
    unsafe { COUNT = n };
    for (i, p) in ps().iter_mut().enumerate() {
        let i = i as i32;
        *p = Particle { x: i * 37 % 200 - 100, y: i * 53 % 180 - 90, vx: (i % 5 - 2) as i16,
                        vy: (3 - i % 7) as i16, mass: (1 + i % 4) as u8, alive: true };
    }
    n as u32
}

#[no_mangle]
pub extern "C" fn step(times: u32) -> i32 {
    for _ in 0..times {
        for p in ps().iter_mut().filter(|p| p.alive) {
            p.x += p.vx as i32;
            p.y += p.vy as i32;
            if p.x.abs() > 120 {
                p.vx = -p.vx;
            }
            if p.y.abs() > 120 {
                p.vy = -p.vy;
            }
        }
        let n = ps().len();
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (ps()[i], ps()[j]);
                if a.alive && b.alive && (a.x - b.x).abs() < 6 && (a.y - b.y).abs() < 6 {
                    let keep = if a.mass >= b.mass { i } else { j };
                    let gone = i + j - keep;
                    ps()[keep].mass = ps()[keep].mass.saturating_add(ps()[gone].mass);
                    ps()[gone].alive = false;
                }
            }
        }
    }
    ps().iter().filter(|p| p.alive).count() as i32
}

#[no_mangle]
pub extern "C" fn energy(_: u32) -> i64 {
    ps().iter()
        .filter(|p| p.alive)
        .map(|p| p.mass as i64 * ((p.vx as i64).pow(2) + (p.vy as i64).pow(2)) + p.x as i64)
        .sum()
}

enum Command {
    Push(i16),
    Scale(u8),
    Kill(usize),
    Noop,
}

fn decode(op: u32, arg: u32) -> Command {
    match op {
        0 => Command::Push(arg as i16),
        1 => Command::Scale(arg as u8),
        2 => Command::Kill(arg as usize),
        _ => Command::Noop,
    }
}

#[no_mangle]
pub extern "C" fn apply(op: u32, arg: u32) -> i32 {
    match decode(op, arg) {
        Command::Push(v) => ps().iter_mut().for_each(|p| p.vx = p.vx.wrapping_add(v % 5)),
        Command::Scale(k) => ps().iter_mut().for_each(|p| p.mass = p.mass.wrapping_mul(k) | 1),
        Command::Kill(i) => {
            if let Some(p) = ps().get_mut(i) {
                p.alive = false;
            }
        }
        Command::Noop => return -1,
    }
    ps().iter().map(|p| p.vx as i32 + p.mass as i32).sum()
}

/// The index and squared distance of the nearest live particle to (x, y).
#[no_mangle]
pub extern "C" fn nearest(x: i32, y: i32) -> i64 {
    let best: Option<(usize, i64)> = ps()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.alive)
        .map(|(i, p)| (i, ((p.x - x) as i64).pow(2) + ((p.y - y) as i64).pow(2)))
        .min_by_key(|&(_, d)| d);
    match best {
        Some((i, d)) => (i as i64) << 32 | d,
        None => -1,
    }
}
