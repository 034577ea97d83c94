# A C module built against the SDK: clang-19 to wasm32, then wasm2bpf.
# Used by samples/ and tests/.
find_program(CLANG19 NAMES clang-19 REQUIRED)

# w2b_sdk_module(NAME SOURCE [ENTRIES...]): NAME/NAME.wasm and NAME.bpf.o
# in the calling directory's build directory, from SOURCE (relative to the
# calling directory), with the SDK's flags (docs/sdk.md); target
# sample_NAME. ENTRIES are --entry FUNC=SECTION arguments; a source that
# declares its programs with W2B_PROGRAM needs none.
function(w2b_sdk_module name source)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(wasm ${dir}/${name}.wasm)
  set(obj ${dir}/${name}.bpf.o)
  set(entry_args)
  foreach(e ${ARGN})
    list(APPEND entry_args --entry ${e})
  endforeach()
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CLANG19} --target=wasm32 -O2 -nostdlib -matomics -Wl,--no-entry -Wl,-z,stack-size=8192
            -I ${CMAKE_SOURCE_DIR}/runtime-stubs/include
            -o ${wasm} ${CMAKE_CURRENT_SOURCE_DIR}/${source}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${CMAKE_SOURCE_DIR}/runtime-stubs/include/wasm2bpf_sdk.h
    COMMENT "clang-19 --target=wasm32 ${source}")
  add_custom_command(OUTPUT ${obj}
    COMMAND $<TARGET_FILE:wasm2bpf> ${entry_args} ${wasm} -o ${obj}
    DEPENDS ${wasm} wasm2bpf wasm2bpf-binaryen
    COMMENT "wasm2bpf ${name}.wasm")
  add_custom_target(sample_${name} ALL DEPENDS ${obj})
endfunction()
