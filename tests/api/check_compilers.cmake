# Compiles generated model C (and the API test programs) with one C compiler
# under -std=c99 -Wall -Wextra -pedantic -Werror, at -O0 and -O2 (some
# warnings only appear with optimisation), and at -O2 with -DAOTC_STATIC_ARENA.
# Any diagnostic fails the test.
#   cmake -DCC=<compiler or empty> -DNAME=<gcc|clang> -DSOURCES=a.c|b.c -DINCLUDES=d1|d2 -DOUT=<dir> -P check_compilers.cmake
if(NOT CC)
  message("SKIPPED: ${NAME} is not installed, so generated code was not compiled with it")
  return()
endif()
string(REPLACE "|" ";" sources "${SOURCES}")
string(REPLACE "|" ";" includes "${INCLUDES}")
set(include_flags "")
foreach(dir IN LISTS includes)
  list(APPEND include_flags "-I${dir}")
endforeach()
file(MAKE_DIRECTORY "${OUT}")
set(failed "")
foreach(src IN LISTS sources)
  # -O0 and -O2, and -O2 with the model's static arena for the standard API.
  foreach(opt -O0 -O2 "-O2;-DAOTC_STATIC_ARENA")
    execute_process(COMMAND "${CC}" -std=c99 -Wall -Wextra -pedantic -Werror ${opt} ${include_flags} -c "${src}"
                            -o "${OUT}/check.o"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
      list(APPEND failed "${src} (${opt})")
      message("${NAME} ${opt} ${src}: exit ${rc}\n${out}")
    else()
      message("${NAME} ${opt} ${src}: clean")
    endif()
  endforeach()
endforeach()
file(REMOVE "${OUT}/check.o")
if(failed)
  message(FATAL_ERROR "${NAME} reported diagnostics for: ${failed}")
endif()
