# The Cortex-M test (label cortex_m): installs aotc from a build tree into a
# fresh prefix, configures and builds the firmware example examples/cortex-m
# (two models, find_package(aotc) + aotc_add_model(), arm-none-eabi-gcc),
# runs it on QEMU's mps2-an386 and checks that both models match ONNX
# Runtime's outputs. Prints the firmware's section sizes and the instructions
# each inference executes (a QEMU plugin, bench/cortex-m/insncount.c); those
# are information, not assertions. Without the tools it prints SKIPPED.
# -DBACKEND=llvm builds the example with -DAOTC_EXAMPLE_BACKEND=llvm: the
# models become thumbv7em objects from aotc --backend llvm, checked the same way.
#
#   cmake -DAOTC_BUILD=<aotc build dir> -DSOURCE=<aotc source dir> -DWORK=<scratch dir>
#         -DHOST_CC=<C compiler for the plugin> [-DGENERATOR=<cmake generator>] [-DBACKEND=c|llvm]
#         -P run_cortex_m.cmake
cmake_minimum_required(VERSION 3.18)
include(${CMAKE_CURRENT_LIST_DIR}/run_util.cmake)
foreach(var AOTC_BUILD SOURCE WORK HOST_CC)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_cortex_m.cmake: -D${var}=... is required")
  endif()
endforeach()
foreach(tool arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm qemu-system-arm)
  find_program(path_${tool} ${tool})
  if(NOT path_${tool})
    message("SKIPPED: ${tool} not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)")
    return()
  endif()
endforeach()

if(NOT BACKEND)
  set(BACKEND c)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(prefix "${WORK}/prefix")
run("install aotc" ${CMAKE_COMMAND} --install "${AOTC_BUILD}" --prefix "${prefix}")
set(example "${SOURCE}/examples/cortex-m")
set(build "${WORK}/build")
configure_and_build("examples/cortex-m" "${example}" "${build}" "-DCMAKE_TOOLCHAIN_FILE=${example}/arm-none-eabi.cmake"
                    "-DCMAKE_PREFIX_PATH=${prefix}" "-DAOTC_MODELS_DIR=${SOURCE}/models"
                    "-DAOTC_EXAMPLE_BACKEND=${BACKEND}")
if(BACKEND STREQUAL "llvm")
  # The models must be aotc's objects, not C compiled here.
  foreach(name kws mnist)
    if(NOT EXISTS "${build}/${name}.aotc/${name}.o" OR EXISTS "${build}/${name}.aotc/${name}.c")
      message(FATAL_ERROR "--backend llvm: expected ${name}.o and no ${name}.c in ${build}/${name}.aotc")
    endif()
  endforeach()
endif()
# main.c and startup.c build with -Wall -Wextra -pedantic: keep them warning-free.
expect_output("the firmware build" NO "warning:")
set(elf "${build}/firmware.elf")

run("build the instruction-count plugin" "${HOST_CC}" -shared -fPIC -O2 -o "${WORK}/insncount.so"
    "${SOURCE}/bench/cortex-m/insncount.c")
run("find cm_mark" "${path_arm-none-eabi-nm}" "${elf}")
if(NOT output MATCHES "([0-9a-f]+) T cm_mark\n")
  message(FATAL_ERROR "no cm_mark in ${elf}")
endif()
set(mark "0x${CMAKE_MATCH_1}")

execute_process(
  COMMAND "${path_qemu-system-arm}" -M mps2-an386 -nodefaults -display none -nic user,restrict=on
          -semihosting-config enable=on,target=native -kernel "${elf}"
          -plugin "${WORK}/insncount.so,mark=${mark},out=${WORK}/insns.txt"
  INPUT_FILE /dev/null TIMEOUT 120 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
message(STATUS "the firmware on QEMU mps2-an386 (exit status ${rc}):\n${output}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the firmware failed on QEMU (exit status ${rc})")
endif()
expect_output("the firmware" YES "kws (kws_run, int8): PASS")
expect_output("the firmware" YES "mnist (standard API, float): PASS")

run("sizes" "${path_arm-none-eabi-size}" -A "${elf}")
set(sizes "")
foreach(section text rodata data bss)
  set(${section} 0)
  if(output MATCHES "\n\\.${section} +([0-9]+)")
    set(${section} ${CMAKE_MATCH_1})
  endif()
  string(APPEND sizes " .${section} ${${section}}")
endforeach()
math(EXPR flash "${text} + ${rodata} + ${data}")
math(EXPR ram "${data} + ${bss}")
message(STATUS "firmware.elf bytes (${BACKEND} backend):${sizes} (flash ${flash}, static RAM ${ram})")
file(STRINGS "${WORK}/insns.txt" marks REGEX "^mark ")
list(LENGTH marks n)
if(n EQUAL 4)
  string(REPLACE "mark " "" marks "${marks}")
  list(GET marks 0 m0)
  list(GET marks 1 m1)
  list(GET marks 2 m2)
  list(GET marks 3 m3)
  math(EXPR kws "${m1} - ${m0}")
  math(EXPR mnist "${m3} - ${m2}")
  message(STATUS "instructions per inference (QEMU, Cortex-M4, ${BACKEND} backend): kws ${kws}, mnist ${mnist}")
else()
  message(STATUS "instructions per inference: unknown (${n} marks in ${WORK}/insns.txt, expected 4)")
endif()
