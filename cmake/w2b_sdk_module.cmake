# A C module built against the SDK: clang-19 to wasm32, then wasm2bpf.
# Used by samples/ and tests/.
find_program(CLANG19 NAMES clang-19 REQUIRED)

# w2b_sdk_module(NAME SOURCE [DEBUG] [ENTRIES...]): NAME/NAME.wasm and
# NAME.bpf.o in the calling directory's build directory, from SOURCE
# (relative to the calling directory), with the SDK's flags (docs/sdk.md);
# target sample_NAME. ENTRIES are --entry FUNC=SECTION arguments; a source
# that declares its programs with W2B_PROGRAM needs none. DEBUG builds with
# -g, in two steps (compile, then link without -O, which would run
# binaryen's wasm-opt over the DWARF: docs/c-recipe.md): the object then
# has source lines, and maps' key and value types and ring buffers' event
# types in its BTF.
function(w2b_sdk_module name source)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(wasm ${dir}/${name}.wasm)
  set(obj ${dir}/${name}.bpf.o)
  set(entry_args)
  set(debug OFF)
  foreach(e ${ARGN})
    if(e STREQUAL "DEBUG")
      set(debug ON)
    else()
      list(APPEND entry_args --entry ${e})
    endif()
  endforeach()
  set(cflags --target=wasm32 -O2 -nostdlib -matomics -I ${CMAKE_SOURCE_DIR}/runtime-stubs/include)
  set(ldflags --target=wasm32 -nostdlib -Wl,--no-entry -Wl,-z,stack-size=8192)
  if(debug)
    add_custom_command(OUTPUT ${wasm}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${CLANG19} ${cflags} -g -c -o ${dir}/${name}.o ${CMAKE_CURRENT_SOURCE_DIR}/${source}
      COMMAND ${CLANG19} ${ldflags} -o ${wasm} ${dir}/${name}.o
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${CMAKE_SOURCE_DIR}/runtime-stubs/include/wasm2bpf_sdk.h
      COMMENT "clang-19 --target=wasm32 -g ${source}")
  else()
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CLANG19} --target=wasm32 -O2 -nostdlib -matomics -Wl,--no-entry -Wl,-z,stack-size=8192
            -I ${CMAKE_SOURCE_DIR}/runtime-stubs/include
            -o ${wasm} ${CMAKE_CURRENT_SOURCE_DIR}/${source}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${CMAKE_SOURCE_DIR}/runtime-stubs/include/wasm2bpf_sdk.h
    COMMENT "clang-19 --target=wasm32 ${source}")
  endif()
  add_custom_command(OUTPUT ${obj}
    COMMAND $<TARGET_FILE:wasm2bpf> ${entry_args} ${wasm} -o ${obj}
    DEPENDS ${wasm} wasm2bpf wasm2bpf-binaryen
    COMMENT "wasm2bpf ${name}.wasm")
  add_custom_target(sample_${name} ALL DEPENDS ${obj})
endfunction()
