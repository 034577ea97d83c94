//! Typed map handles. Each is the map's definition (the six u32 of
//! `struct w2b_map_def`, docs/abi.md) and nothing else, so that the static
//! `map!` declares is the definition the compiler reads; its methods are
//! the map helpers, inlined so that the map argument is the static's
//! constant address, as the compiler requires.

use core::marker::PhantomData;
use core::mem::size_of;

use crate::helpers::sys;

/// `struct w2b_map_def`: type, key size, value size, max entries, map
/// flags, pinning.
#[repr(C)]
pub struct MapDef {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub pinning: u32,
}

const HASH: u32 = 1;
const ARRAY: u32 = 2;
const PERCPU_HASH: u32 = 5;
const PERCPU_ARRAY: u32 = 6;
const LRU_HASH: u32 = 9;
const LRU_PERCPU_HASH: u32 = 10;
const LPM_TRIE: u32 = 11;
const PROG_ARRAY: u32 = 3;
const PERF_EVENT_ARRAY: u32 = 4;
const STACK_TRACE: u32 = 7;
const DEVMAP: u32 = 14;
const CPUMAP: u32 = 16;
const XSKMAP: u32 = 17;
const DEVMAP_HASH: u32 = 25;
const RINGBUF: u32 = 27;
const NO_PREALLOC: u32 = 1;

macro_rules! keyed {
    ($(#[$doc:meta])* $name:ident, $type:expr, $flags:expr) => {
        $(#[$doc])*
        #[repr(C)]
        pub struct $name<K, V> {
            def: MapDef,
            _types: PhantomData<(K, V)>,
        }

        // SAFETY: the kernel serializes access to the map's entries
        unsafe impl<K, V> Sync for $name<K, V> {}

        impl<K, V> $name<K, V> {
            #[doc(hidden)]
            pub const fn define(max_entries: u32, pinning: u32) -> Self {
                $name {
                    def: MapDef {
                        map_type: $type,
                        key_size: size_of::<K>() as u32,
                        value_size: size_of::<V>() as u32,
                        max_entries,
                        map_flags: $flags,
                        pinning,
                    },
                    _types: PhantomData,
                }
            }

            /// The value stored under key, in place (writes go to the map),
            /// or None.
            #[inline(always)]
            #[allow(clippy::mut_from_ref)]
            pub fn get(&self, key: &K) -> Option<&mut V> {
                let v = unsafe { sys::map_lookup_elem(self as *const Self as *const u8, key as *const K as *const u8) };
                if v.is_null() { None } else { Some(unsafe { &mut *(v as *mut V) }) }
            }

            /// Store value under key (flags BPF_ANY, BPF_NOEXIST, BPF_EXIST):
            /// 0 or a negative errno.
            #[inline(always)]
            pub fn insert(&self, key: &K, value: &V, flags: u64) -> i32 {
                unsafe {
                    sys::map_update_elem(self as *const Self as *const u8, key as *const K as *const u8,
                                         value as *const V as *const u8, flags)
                }
            }

            /// Delete key's entry: 0 or a negative errno.
            #[inline(always)]
            pub fn remove(&self, key: &K) -> i32 {
                unsafe { sys::map_delete_elem(self as *const Self as *const u8, key as *const K as *const u8) }
            }
        }
    };
}

keyed!(
    /// BPF_MAP_TYPE_HASH.
    HashMap, HASH, 0);
keyed!(
    /// BPF_MAP_TYPE_PERCPU_HASH: a value per CPU.
    PerCpuHashMap, PERCPU_HASH, 0);
keyed!(
    /// BPF_MAP_TYPE_LRU_HASH: the least recently used entry goes when full.
    LruHashMap, LRU_HASH, 0);
keyed!(
    /// BPF_MAP_TYPE_LRU_PERCPU_HASH: an LRU hash with a value per CPU.
    LruPerCpuHashMap, LRU_PERCPU_HASH, 0);
keyed!(
    /// BPF_MAP_TYPE_LPM_TRIE: K starts with a u32 prefix length in bits
    /// (`LpmKey`).
    LpmTrie, LPM_TRIE, NO_PREALLOC);

/// The key of an LPM trie: prefix length in bits, then the bytes in
/// network order.
#[repr(C)]
pub struct LpmKey<const N: usize> {
    pub prefixlen: u32,
    pub data: [u8; N],
}

macro_rules! indexed {
    ($(#[$doc:meta])* $name:ident, $type:expr) => {
        $(#[$doc])*
        #[repr(C)]
        pub struct $name<V> {
            def: MapDef,
            _types: PhantomData<V>,
        }

        // SAFETY: the kernel serializes access to the map's entries
        unsafe impl<V> Sync for $name<V> {}

        impl<V> $name<V> {
            #[doc(hidden)]
            pub const fn define(max_entries: u32, pinning: u32) -> Self {
                $name {
                    def: MapDef {
                        map_type: $type,
                        key_size: 4,
                        value_size: size_of::<V>() as u32,
                        max_entries,
                        map_flags: 0,
                        pinning,
                    },
                    _types: PhantomData,
                }
            }

            /// Entry `index`, in place, or None past the end.
            #[inline(always)]
            #[allow(clippy::mut_from_ref)]
            pub fn get(&self, index: u32) -> Option<&mut V> {
                let v = unsafe { sys::map_lookup_elem(self as *const Self as *const u8, &index as *const u32 as *const u8) };
                if v.is_null() { None } else { Some(unsafe { &mut *(v as *mut V) }) }
            }

            /// Store value at index: 0 or a negative errno.
            #[inline(always)]
            pub fn set(&self, index: u32, value: &V) -> i32 {
                unsafe {
                    sys::map_update_elem(self as *const Self as *const u8, &index as *const u32 as *const u8,
                                         value as *const V as *const u8, 0)
                }
            }
        }
    };
}

indexed!(
    /// BPF_MAP_TYPE_ARRAY: entries 0..max, all present, zeroed.
    Array, ARRAY);
indexed!(
    /// BPF_MAP_TYPE_PERCPU_ARRAY: an array per CPU.
    PerCpuArray, PERCPU_ARRAY);

/// BPF_MAP_TYPE_RINGBUF: records to user space, max_entries its bytes (a
/// power of two, at least 4096).
#[repr(C)]
pub struct RingBuf {
    def: MapDef,
}

// SAFETY: the kernel serializes the ring buffer
unsafe impl Sync for RingBuf {}

impl RingBuf {
    #[doc(hidden)]
    pub const fn define(bytes: u32, pinning: u32) -> Self {
        RingBuf {
            def: MapDef { map_type: RINGBUF, key_size: 0, value_size: 0, max_entries: bytes, map_flags: 0, pinning },
        }
    }

    /// One record: a copy of `event`. 0 or a negative errno.
    #[inline(always)]
    pub fn output<T>(&self, event: &T) -> i32 {
        unsafe {
            sys::ringbuf_output(self as *const Self as *const u8, event as *const T as *const u8,
                                size_of::<T>() as u64, 0)
        }
    }
}

/// Maps user space fills (the program only names them), `u32` keys and
/// values: the targets of `redirect` (DevMap, DevMapHash, CpuMap,
/// XskMap), a perf buffer per CPU (PerfEventArray: max_entries 0 lets
/// libbpf size it), stacks (StackTrace: max_entries stacks of 127 return
/// addresses), programs (ProgArray).
macro_rules! fd_map {
    ($(#[$doc:meta])* $name:ident, $type:expr, $value:expr) => {
        $(#[$doc])*
        #[repr(C)]
        pub struct $name {
            def: MapDef,
        }

        // SAFETY: user space fills it; the program only passes its address
        unsafe impl Sync for $name {}

        impl $name {
            #[doc(hidden)]
            pub const fn define(max_entries: u32, pinning: u32) -> Self {
                $name {
                    def: MapDef { map_type: $type, key_size: 4, value_size: $value, max_entries,
                                  map_flags: 0, pinning },
                }
            }

            #[inline(always)]
            fn ptr(&self) -> *const u8 {
                self as *const Self as *const u8
            }
        }
    };
}

fd_map!(
    /// BPF_MAP_TYPE_DEVMAP: interfaces by index, for `redirect`.
    DevMap, DEVMAP, 4);
fd_map!(
    /// BPF_MAP_TYPE_DEVMAP_HASH: interfaces by key, for `redirect`.
    DevMapHash, DEVMAP_HASH, 4);
fd_map!(
    /// BPF_MAP_TYPE_CPUMAP: CPUs (the value a queue size), for `redirect`.
    CpuMap, CPUMAP, 4);
fd_map!(
    /// BPF_MAP_TYPE_XSKMAP: AF_XDP sockets, for `redirect`.
    XskMap, XSKMAP, 4);
fd_map!(
    /// BPF_MAP_TYPE_PERF_EVENT_ARRAY: a perf buffer per CPU.
    PerfEventArray, PERF_EVENT_ARRAY, 4);
fd_map!(
    /// BPF_MAP_TYPE_STACK_TRACE: stacks of 127 return addresses.
    StackTrace, STACK_TRACE, 127 * 8);
fd_map!(
    /// BPF_MAP_TYPE_PROG_ARRAY: programs by index, for `tail_call`.
    ProgArray, PROG_ARRAY, 4);

macro_rules! redirect_target {
    ($name:ident) => {
        impl $name {
            /// Send the packet via entry `key` (xdp); `flags`' low bits are
            /// the verdict when the entry is empty (XDP_PASS...). Return the
            /// result as the program's verdict.
            #[inline(always)]
            pub fn redirect(&self, key: u32, flags: u64) -> u32 {
                unsafe { sys::redirect_map(self.ptr(), key as u64, flags) as u32 }
            }
        }
    };
}
redirect_target!(DevMap);
redirect_target!(DevMapHash);
redirect_target!(CpuMap);
redirect_target!(XskMap);

impl PerfEventArray {
    /// A copy of `event` to this CPU's buffer (flags BPF_F_CURRENT_CPU).
    #[inline(always)]
    pub fn output<T>(&self, flags: u64, event: &T) -> i32 {
        unsafe { sys::perf_event_output(self.ptr(), flags, event as *const T as *const u8, size_of::<T>() as u64) }
    }
}

impl StackTrace {
    /// The current stack's id (flags BPF_F_USER_STACK for the user one),
    /// or a negative errno (tracing programs).
    #[inline(always)]
    pub fn stack_id(&self, flags: u64) -> i32 {
        unsafe { sys::get_stackid(self.ptr(), flags) }
    }
}

impl ProgArray {
    /// Go on in program `index`: when there is one, never returns (the
    /// shadow stack is put back as the run found it first); when there is
    /// none, returns and the code goes on.
    #[inline(always)]
    pub fn tail_call(&self, index: u32) {
        unsafe {
            sys::tail_call(self.ptr(), index);
        }
    }
}
