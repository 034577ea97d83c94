# A Rust crate built against the Rust SDK (runtime-stubs/rust/wasm2bpf):
# cargo to wasm32-unknown-unknown, then wasm2bpf. Used by samples/.
#
# Debian 12's rustc and cargo (/usr/bin: the toolchain the SDK promises to
# build with; a rustup one earlier on PATH is not used), offline: the SDK
# and the samples have path dependencies only.
find_program(W2B_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH)
find_program(W2B_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT W2B_CARGO OR NOT W2B_RUSTC)
  find_program(W2B_CARGO cargo)
  find_program(W2B_RUSTC rustc)
endif()

# w2b_rust_module(NAME CRATE_DIR): NAME/NAME.wasm and NAME.bpf.o in the
# calling directory's build directory from the cdylib crate in CRATE_DIR
# (relative to the calling directory), cargo's release profile; target
# sample_NAME. The crate's .cargo/config.toml sets the target and the
# link flags (a small stack and memory).
function(w2b_rust_module name crate)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${crate})
  set(wasm ${dir}/${name}.wasm)
  set(obj ${dir}/${name}.bpf.o)
  if(NOT W2B_CARGO OR NOT W2B_RUSTC)
    message(WARNING "no cargo/rustc (scripts/setup.sh installs Debian's): ${name} is not built")
    return()
  endif()
  string(REPLACE "-" "_" lib ${name})
  file(GLOB_RECURSE rust_sources ${src}/src/*.rs ${CMAKE_SOURCE_DIR}/runtime-stubs/rust/wasm2bpf/src/*.rs)
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CMAKE_COMMAND} -E env CARGO_HOME=${dir}/cargo-home RUSTC=${W2B_RUSTC}
            ${W2B_CARGO} build --release --offline --quiet --manifest-path ${src}/Cargo.toml
            --target-dir ${dir}/target
    COMMAND ${CMAKE_COMMAND} -E copy ${dir}/target/wasm32-unknown-unknown/release/${lib}.wasm ${wasm}
    WORKING_DIRECTORY ${src}
    DEPENDS ${rust_sources} ${src}/Cargo.toml ${src}/.cargo/config.toml
            ${CMAKE_SOURCE_DIR}/runtime-stubs/rust/wasm2bpf/Cargo.toml
    COMMENT "cargo build --release ${crate}")
  add_custom_command(OUTPUT ${obj}
    COMMAND $<TARGET_FILE:wasm2bpf> ${wasm} -o ${obj}
    DEPENDS ${wasm} wasm2bpf wasm2bpf-binaryen
    COMMENT "wasm2bpf ${name}.wasm")
  add_custom_target(sample_${name} ALL DEPENDS ${obj})
endfunction()
