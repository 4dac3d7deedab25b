# Build-time generator for the kernel library tables. Run with -P:
#   cmake -DCC=<c compiler> -DSRC=<runtime-c/kernels> -DOUT=<dir> -P kernels.cmake
# Writes, from runtime-c/kernels/*.c:
#   kernel_includes.inc  #include lines for every kernel file (compiled into aotc
#                        as C++ to evaluate nodes at compile time)
#   kernel_list.inc      AOTC_KERNEL_ENTRY(file, name) for every kernel function,
#                        found by preprocessing with -DAOTC_KERNEL_SCAN, so that
#                        macro-generated kernels are listed too
#   kernel_sources.inc   {"file", R"(text)"} for every kernel file and the common
#                        header, from which codegen pastes what a model needs
file(GLOB kernel_files RELATIVE "${SRC}" "${SRC}/*.c")
list(SORT kernel_files)
set(includes "")
set(entries "")
set(sources "")
foreach(header kernel_params.h kernel_common.h ../aotc.h ../aotc_runner.c)
  file(READ "${SRC}/${header}" text)
  get_filename_component(base "${header}" NAME)
  string(APPEND sources "{\"${base}\", R\"aotc_src(${text})aotc_src\"},\n")
endforeach()
foreach(f IN LISTS kernel_files)
  get_filename_component(stem "${f}" NAME_WE)
  string(APPEND includes "#include \"${SRC}/${f}\"\n")
  execute_process(COMMAND "${CC}" -E -P -DAOTC_KERNEL_SCAN "-I${SRC}" "${SRC}/${f}"
                  OUTPUT_VARIABLE pre RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "preprocessing ${f} failed")
  endif()
  string(REGEX MATCHALL "AOTC_KERNEL_MARK[ \t\r\n]+static[ \t\r\n]+void[ \t\r\n]+[A-Za-z0-9_]+" marks "${pre}")
  foreach(m IN LISTS marks)
    string(REGEX REPLACE ".*[ \t\r\n]([A-Za-z0-9_]+)$" "\\1" name "${m}")
    string(APPEND entries "AOTC_KERNEL_ENTRY(${stem}, ${name})\n")
  endforeach()
  file(READ "${SRC}/${f}" text)
  string(APPEND sources "{\"${stem}\", R\"aotc_src(${text})aotc_src\"},\n")
endforeach()
# Write only on change so that dependents do not rebuild needlessly.
foreach(pair "kernel_includes.inc;includes" "kernel_list.inc;entries" "kernel_sources.inc;sources")
  list(GET pair 0 name)
  list(GET pair 1 var)
  set(path "${OUT}/${name}")
  set(old "")
  if(EXISTS "${path}")
    file(READ "${path}" old)
  endif()
  if(NOT old STREQUAL "${${var}}")
    file(WRITE "${path}" "${${var}}")
  endif()
endforeach()
