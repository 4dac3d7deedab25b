# The package test: installs aotc from a build tree into a fresh prefix, then
# builds and runs the consumer project (tests/package/consumer) against it,
# once with find_package(aotc) + aotc_add_model() and once with Make and the
# installed aotc.mk, and checks that each build system runs aotc again when the
# model or the aotc binary changes, and only then. -DBACKEND=llvm compiles
# cnn_api with --backend llvm (an object for this machine) in both builds.
#
#   cmake -DAOTC_BUILD=<aotc build dir> -DSOURCE=<aotc source dir> -DWORK=<scratch dir>
#         -DMODEL=<model.onnx> -DX=<x.npy> -DY=<y.npy> [-DGENERATOR=<cmake generator>]
#         [-DBACKEND=c|llvm] -P run.cmake
cmake_minimum_required(VERSION 3.18)
foreach(var AOTC_BUILD SOURCE WORK MODEL X Y)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/run_util.cmake)
# What aotc writes for cnn_api: cnn_api.c, or cnn_api.o with --backend llvm.
if(NOT BACKEND)
  set(BACKEND c)
endif()
if(BACKEND STREQUAL "llvm")
  set(api_file cnn_api.o)
else()
  set(api_file cnn_api.c)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(prefix "${WORK}/prefix")
run("install" ${CMAKE_COMMAND} --install "${AOTC_BUILD}" --prefix "${prefix}")
foreach(f bin/aotc share/cmake/aotc/aotcConfig.cmake share/cmake/aotc/aotcConfigVersion.cmake
          share/cmake/aotc/aotc_add_model.cmake share/aotc/aotc.mk)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "install: ${prefix}/${f} is missing")
  endif()
endforeach()
# A copy of the model, whose time stamp the test changes.
configure_file("${MODEL}" "${WORK}/model.onnx" COPYONLY)

# ---- CMake: find_package(aotc) + aotc_add_model() ----
set(build "${WORK}/cmake-build")
configure_and_build("the consumer" "${SOURCE}/tests/package/consumer" "${build}" "-DCMAKE_PREFIX_PATH=${prefix}"
                    "-DAOTC_TEST_MODEL=${WORK}/model.onnx" "-DAOTC_TEST_API_BACKEND=${BACKEND}")
expect_output("first build" YES "-> ${api_file}")
run("run the consumer" "${build}/app" "${X}" "${Y}")
expect_output("consumer" YES "cnn_api (standard API): ")
expect_output("consumer" YES "cnn_direct (cnn_direct_run): ")
run("build again" ${CMAKE_COMMAND} --build "${build}")
expect_output("a build with nothing changed" NO "-> cnn_")
file(TOUCH "${WORK}/model.onnx")
run("build after the model changed" ${CMAKE_COMMAND} --build "${build}")
expect_output("a build after the model changed" YES "-> ${api_file}")
expect_output("a build after the model changed" YES "-> cnn_direct.c")
file(TOUCH "${prefix}/bin/aotc")
run("build after aotc changed" ${CMAKE_COMMAND} --build "${build}")
expect_output("a build after aotc changed" YES "-> ${api_file}")

# ---- Make: aotc.mk ----
find_program(MAKE_PROGRAM NAMES make gmake)
if(NOT MAKE_PROGRAM)
  message(FATAL_ERROR "make: not found (install GNU make)")
endif()
set(make_args "AOTC_MK=${prefix}/share/aotc/aotc.mk" "AOTC_TEST_MODEL=${WORK}/model.onnx" "OUT=${WORK}/make"
              "CNN_API_OPTIONS=--backend ${BACKEND}")
run("make the consumer" ${MAKE_PROGRAM} -C "${SOURCE}/tests/package/make" ${make_args})
expect_output("make" YES "--name cnn_api --backend ${BACKEND}")
if(BACKEND STREQUAL "llvm" AND NOT EXISTS "${WORK}/make/gen/cnn_api/cnn_api.o")
  message(FATAL_ERROR "make: no ${WORK}/make/gen/cnn_api/cnn_api.o with --backend llvm")
endif()
run("run the Make-built consumer" "${WORK}/make/app" "${X}" "${Y}")
expect_output("consumer" YES "cnn_direct (cnn_direct_run): ")
run("make again" ${MAKE_PROGRAM} -C "${SOURCE}/tests/package/make" ${make_args})
expect_output("make with nothing changed" NO "--name cnn_")
file(TOUCH "${WORK}/model.onnx")
run("make after the model changed" ${MAKE_PROGRAM} -C "${SOURCE}/tests/package/make" ${make_args})
expect_output("make after the model changed" YES "--name cnn_direct")
file(TOUCH "${prefix}/bin/aotc")
run("make after aotc changed" ${MAKE_PROGRAM} -C "${SOURCE}/tests/package/make" ${make_args})
expect_output("make after aotc changed" YES "--name cnn_api")
