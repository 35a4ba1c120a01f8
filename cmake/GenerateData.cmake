# Datasets generated at build time by the simulator (`scdfm simulate`):
#   ${SCDFM_DATA_DIR}/tiny.h5ad (+ tiny.truth/)  for tests
#   ${SCDFM_DATA_DIR}/demo.h5ad (+ demo.truth/)  the app's sample data, with a UMAP
#                                               (scdfm embed) so the app shows cells at once
# They are rebuilt only when the simulator, the CLI command or the .h5ad /
# safetensors writers change (not on every relink of scdfm), and are never
# committed. Seeds are fixed: one build gives the same files as any other.
set(SCDFM_DATA_SEED 1 CACHE STRING "Seed of the generated demo and tiny datasets")

file(GLOB _scdfm_sim_inputs CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/core/sim/*.cpp ${PROJECT_SOURCE_DIR}/core/sim/*.h
  ${PROJECT_SOURCE_DIR}/core/io/H5adWriter.cpp ${PROJECT_SOURCE_DIR}/core/io/Hdf5Write.cpp
  ${PROJECT_SOURCE_DIR}/core/io/Safetensors.cpp ${PROJECT_SOURCE_DIR}/core/io/AnnData.cpp)
list(APPEND _scdfm_sim_inputs ${PROJECT_SOURCE_DIR}/app/cli/SimulateCommand.cpp)
file(GLOB _scdfm_embed_inputs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/embed/*.cpp
     ${PROJECT_SOURCE_DIR}/app/cli/EmbedCommand.cpp)

set(_scdfm_datasets "")
foreach(_preset tiny demo)
  set(_out ${SCDFM_DATA_DIR}/${_preset}.h5ad)
  set(_embed "")
  set(_deps ${_scdfm_sim_inputs})
  if(_preset STREQUAL "demo")
    set(_embed COMMAND $<TARGET_FILE:scdfm> embed ${_out} --out ${_out} --quiet --seed ${SCDFM_DATA_SEED})
    list(APPEND _deps ${_scdfm_embed_inputs})
  endif()
  add_custom_command(
    OUTPUT ${_out} ${SCDFM_DATA_DIR}/${_preset}.truth/params.json
    COMMAND ${CMAKE_COMMAND} -E make_directory ${SCDFM_DATA_DIR}
    COMMAND $<TARGET_FILE:scdfm> simulate --quiet --preset ${_preset} --seed ${SCDFM_DATA_SEED} --out ${_out}
    ${_embed}
    DEPENDS ${_deps}
    COMMENT "Simulating the ${_preset} dataset (${_out})"
    VERBATIM)
  list(APPEND _scdfm_datasets ${_out})
endforeach()

add_custom_target(datasets ALL DEPENDS ${_scdfm_datasets})
add_dependencies(datasets scdfm)
