# The source-tree test: configures tests/package/cross (a Cortex-M4 firmware
# project that add_subdirectory()s aotc) with the arm-none-eabi toolchain,
# builds it -- aotc for the build machine, the models and the ELF for the
# Cortex-M4 -- and checks the result and that a changed model is compiled again.
#
#   cmake -DSOURCE=<aotc source dir> -DWORK=<scratch dir> -DMODEL=<model.onnx>
#         [-DGENERATOR=<cmake generator>] -P run_cross.cmake
cmake_minimum_required(VERSION 3.18)
include(${CMAKE_CURRENT_LIST_DIR}/run_util.cmake)
foreach(var SOURCE WORK MODEL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_cross.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
configure_file("${MODEL}" "${WORK}/model.onnx" COPYONLY)
set(build "${WORK}/build")
configure_and_build("aotc, the models and the firmware" "${SOURCE}/tests/package/cross" "${build}"
                    "-DCMAKE_TOOLCHAIN_FILE=${SOURCE}/tests/package/cross/arm-none-eabi.cmake"
                    "-DAOTC_SOURCE_DIR=${SOURCE}" "-DAOTC_TEST_MODEL=${WORK}/model.onnx"
                    # Unoptimised: this aotc compiles one small model, and -O0
                    # builds it in about half the time of Release.
                    "-DAOTC_HOST_BUILD_TYPE=Debug"
                    # Its models use the C backend: no LLVM backend to build.
                    "-DAOTC_HOST_CMAKE_ARGS=-DAOTC_WITH_LLVM=OFF")
expect_output("the build" YES "-> cnn_api.c")
foreach(f aotc/host/cli/aotc app.elf)
  if(NOT EXISTS "${build}/${f}")
    message(FATAL_ERROR "${build}/${f} was not built")
  endif()
endforeach()
# aotc was built for the build machine: it runs here.
run("run the host aotc" "${build}/aotc/host/cli/aotc" --version)
# The models were compiled for the target and the ELF is ARM code.
file(READ "${build}/cnn_direct_lib.aotc/cnn_direct.h" header)
if(NOT header MATCHES "#define CNN_DIRECT_TARGET \"cortex-m4\"")
  message(FATAL_ERROR "cnn_direct.h was not compiled for cortex-m4:\n${header}")
endif()
file(READ "${build}/app.elf" elf LIMIT 20 HEX)
string(SUBSTRING "${elf}" 36 4 machine)  # e_machine, little-endian: 0x0028 is ARM
if(NOT machine STREQUAL "2800")
  message(FATAL_ERROR "app.elf is not an ARM ELF (e_machine bytes ${machine})")
endif()
run("build again" ${CMAKE_COMMAND} --build "${build}")
expect_output("a build with nothing changed" NO "-> cnn_")
file(TOUCH "${WORK}/model.onnx")
run("build after the model changed" ${CMAKE_COMMAND} --build "${build}")
expect_output("a build after the model changed" YES "-> cnn_direct.c")
