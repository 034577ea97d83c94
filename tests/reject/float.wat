;; Floating point: eBPF has no FPU and the kernel does not save FP state.
(module
  (func (export "f") (param i32) (result i32)
    (i32.trunc_f32_s (f32.add (f32.convert_i32_s (local.get 0)) (f32.const 1.5)))))
