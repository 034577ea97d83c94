# The one .wasm cargo left in DIR (a cdylib crate's), copied to OUT.
file(GLOB wasm "${DIR}/*.wasm")
list(LENGTH wasm n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one .wasm in ${DIR}, found: ${wasm}")
endif()
file(COPY_FILE ${wasm} ${OUT})
