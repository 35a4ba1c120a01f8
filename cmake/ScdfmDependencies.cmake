# Every external dependency is a Debian 12 package (installer/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Torch REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_path(HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h REQUIRED)

# TorchConfig puts its own flags into TORCH_CXX_FLAGS (the old ABI switch);
# apply them per target through scdfm::torch instead of globally.
add_library(scdfm_torch_deps INTERFACE)
target_link_libraries(scdfm_torch_deps INTERFACE ${TORCH_LIBRARIES})
target_include_directories(scdfm_torch_deps SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
add_library(scdfm::torch ALIAS scdfm_torch_deps)

add_library(scdfm_hdf5_deps INTERFACE)
target_link_libraries(scdfm_hdf5_deps INTERFACE ${HDF5_C_LIBRARIES})
target_include_directories(scdfm_hdf5_deps SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_compile_definitions(scdfm_hdf5_deps INTERFACE ${HDF5_C_DEFINITIONS})
add_library(scdfm::hdf5 ALIAS scdfm_hdf5_deps)

add_library(scdfm_hnsw_deps INTERFACE)
target_include_directories(scdfm_hnsw_deps SYSTEM INTERFACE ${HNSWLIB_INCLUDE_DIR})
add_library(scdfm::hnswlib ALIAS scdfm_hnsw_deps)

if(SCDFM_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets OpenGLWidgets PrintSupport Svg Concurrent Test)
  find_package(QCustomPlotQt6 REQUIRED)
  find_package(VTK 9.1 REQUIRED COMPONENTS
    CommonCore CommonDataModel RenderingCore RenderingOpenGL2 RenderingAnnotation
    InteractionStyle RenderingFreeType RenderingContextOpenGL2 IOImage)
endif()

# Multi-process training and inference use LibTorch's c10d (core/dist). Its Gloo
# backend needs Gloo's headers (Debian: libgloo-dev; pip wheels of PyTorch ship
# them beside torch's); NCCL is compiled in only when LibTorch was built with CUDA
# and nccl.h is found. Without Gloo, world sizes above 1 are refused with a message.
find_path(SCDFM_GLOO_INCLUDE_DIR gloo/context.h HINTS ${TORCH_INCLUDE_DIRS})
add_library(scdfm_c10d_deps INTERFACE)
if(SCDFM_GLOO_INCLUDE_DIR)
  target_include_directories(scdfm_c10d_deps SYSTEM INTERFACE ${SCDFM_GLOO_INCLUDE_DIR})
  target_compile_definitions(scdfm_c10d_deps INTERFACE USE_C10D_GLOO SCDFM_HAVE_GLOO=1)
  message(STATUS "scDFM: multi-process engine with Gloo (${SCDFM_GLOO_INCLUDE_DIR})")
else()
  message(STATUS "scDFM: no Gloo headers (install libgloo-dev): multi-process runs disabled")
endif()
if(TORCH_CUDA_LIBRARIES)
  find_path(SCDFM_NCCL_INCLUDE_DIR nccl.h HINTS ${TORCH_INCLUDE_DIRS} ${CUDAToolkit_INCLUDE_DIRS})
  find_path(SCDFM_C10D_NCCL_DIR torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp HINTS ${TORCH_INCLUDE_DIRS})
endif()
if(TORCH_CUDA_LIBRARIES AND SCDFM_NCCL_INCLUDE_DIR AND SCDFM_C10D_NCCL_DIR)
  target_include_directories(scdfm_c10d_deps SYSTEM INTERFACE ${SCDFM_NCCL_INCLUDE_DIR})
  target_compile_definitions(scdfm_c10d_deps INTERFACE USE_C10D_NCCL SCDFM_HAVE_NCCL=1)
  message(STATUS "scDFM: NCCL backend for CUDA devices")
endif()
add_library(scdfm::c10d ALIAS scdfm_c10d_deps)
