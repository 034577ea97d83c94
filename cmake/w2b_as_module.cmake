# An AssemblyScript module built against the AssemblyScript SDK
# (runtime-stubs/assemblyscript/wasm2bpf-sdk): asc, then wasm2bpf. Used by
# samples/. asc is npm's assemblyscript, where scripts/setup.sh installs it.
find_program(W2B_ASC asc PATHS /opt/wasm2bpf/npm/node_modules/.bin)

# w2b_as_module(NAME SOURCE [ASC_FLAGS...]): NAME/NAME.wasm and NAME.bpf.o
# in the calling directory's build directory from SOURCE (relative to the
# calling directory): asc -O2 --runtime stub --initialMemory 1, the SDK
# found through --path; target sample_NAME.
function(w2b_as_module name source)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(wasm ${dir}/${name}.wasm)
  set(obj ${dir}/${name}.bpf.o)
  if(NOT W2B_ASC)
    message(WARNING "no asc (scripts/setup.sh installs npm's assemblyscript): ${name} is not built")
    return()
  endif()
  set(sdk ${CMAKE_SOURCE_DIR}/runtime-stubs/assemblyscript)
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${W2B_ASC} ${CMAKE_CURRENT_SOURCE_DIR}/${source} -O2 --runtime stub --initialMemory 1
            --path ${sdk} ${ARGN} -o ${wasm}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${sdk}/wasm2bpf-sdk/index.ts
    COMMENT "asc ${source}")
  add_custom_command(OUTPUT ${obj}
    COMMAND $<TARGET_FILE:wasm2bpf> ${wasm} -o ${obj}
    DEPENDS ${wasm} wasm2bpf wasm2bpf-binaryen
    COMMENT "wasm2bpf ${name}.wasm")
  add_custom_target(sample_${name} ALL DEPENDS ${obj})
endfunction()
