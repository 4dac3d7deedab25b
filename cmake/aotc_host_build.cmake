# aotc in a cross-compiled project's source tree (add_subdirectory): aotc must
# run on the build machine, so it is built there as an external project with
# the host's compilers (AOTC_HOST_C_COMPILER, AOTC_HOST_CXX_COMPILER), and
# aotc::aotc names that binary. Only aotc_add_model() comes with it.
include(ExternalProject)
set(AOTC_HOST_C_COMPILER cc CACHE STRING "C compiler that builds aotc for the build machine in a cross build")
set(AOTC_HOST_CXX_COMPILER c++ CACHE STRING "C++ compiler that builds aotc for the build machine in a cross build")
set(AOTC_HOST_BUILD_TYPE Release CACHE STRING "CMAKE_BUILD_TYPE of the aotc built for the build machine in a cross build")
set(AOTC_HOST_CMAKE_ARGS "" CACHE STRING
    "More CMake arguments (a ;-list) for the aotc built for the build machine, e.g. -DAOTC_WITH_LLVM=OFF when the firmware uses only the C backend")
set(aotc_host_dir "${CMAKE_CURRENT_BINARY_DIR}/host")
set(aotc_host_exe "${aotc_host_dir}/cli/aotc${CMAKE_HOST_EXECUTABLE_SUFFIX}")
ExternalProject_Add(aotc_host_build
  SOURCE_DIR "${PROJECT_SOURCE_DIR}"
  BINARY_DIR "${aotc_host_dir}"
  CMAKE_ARGS -DCMAKE_BUILD_TYPE=${AOTC_HOST_BUILD_TYPE} -DAOTC_BUILD_TESTS=OFF
             -DCMAKE_C_COMPILER=${AOTC_HOST_C_COMPILER} -DCMAKE_CXX_COMPILER=${AOTC_HOST_CXX_COMPILER}
             ${AOTC_HOST_CMAKE_ARGS}
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target aotc
  BUILD_ALWAYS ON
  BUILD_BYPRODUCTS "${aotc_host_exe}"
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
add_executable(aotc::aotc IMPORTED GLOBAL)
set_target_properties(aotc::aotc PROPERTIES IMPORTED_LOCATION "${aotc_host_exe}")
set_property(GLOBAL PROPERTY AOTC_BUILD_STEP aotc_host_build)
include("${CMAKE_CURRENT_LIST_DIR}/aotc_add_model.cmake")
