//! The program's context, field by field: imports from Wasm module
//! "ctx" (common/ctx_fields.def: which program types have which field and
//! may write it). struct __sk_buff's for tc, tcx, cgroup_skb and socket;
//! struct xdp_md's for xdp.

mod sys {
    #[link(wasm_import_module = "ctx")]
    extern "C" {
        pub fn len() -> u32;
        pub fn pkt_type() -> u32;
        pub fn mark() -> u32;
        pub fn set_mark(v: u32);
        pub fn queue_mapping() -> u32;
        pub fn protocol() -> u32;
        pub fn priority() -> u32;
        pub fn set_priority(v: u32);
        pub fn ingress_ifindex() -> u32;
        pub fn ifindex() -> u32;
        pub fn tc_index() -> u32;
        pub fn hash() -> u32;
        pub fn rx_queue_index() -> u32;
    }
}

macro_rules! getter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[inline(always)]
        pub fn $name() -> u32 {
            unsafe { sys::$name() }
        }
    };
}

getter!(/// skb->len: the packet's length.
    len);
getter!(/// skb->pkt_type.
    pkt_type);
getter!(/// skb->mark.
    mark);
getter!(/// skb->queue_mapping.
    queue_mapping);
getter!(/// skb->protocol (network order in a u32).
    protocol);
getter!(/// skb->priority.
    priority);
getter!(/// The interface it came in on (skb and xdp).
    ingress_ifindex);
getter!(/// skb->ifindex.
    ifindex);
getter!(/// skb->tc_index.
    tc_index);
getter!(/// skb->hash.
    hash);
getter!(/// xdp_md's rx_queue_index.
    rx_queue_index);

/// Set skb->mark (tc, cgroup_skb).
#[inline(always)]
pub fn set_mark(v: u32) {
    unsafe { sys::set_mark(v) }
}

/// Set skb->priority (tc, cgroup_skb).
#[inline(always)]
pub fn set_priority(v: u32) {
    unsafe { sys::set_priority(v) }
}
