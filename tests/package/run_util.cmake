# Helpers of the package test scripts (run.cmake, run_cross.cmake).

# Runs a command; fails the test with its output if it fails. Leaves the output in `output`.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(output "${out}${err}" PARENT_SCOPE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}${err}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

# Asserts that `output` (from the last run) does or does not contain `text`.
function(expect_output what wanted text)
  string(FIND "${output}" "${text}" at)
  if(wanted AND at EQUAL -1)
    message(FATAL_ERROR "${what}: expected '${text}' in the output:\n${output}")
  elseif(NOT wanted AND NOT at EQUAL -1)
    message(FATAL_ERROR "${what}: did not expect '${text}' in the output:\n${output}")
  endif()
endfunction()

# Configures the CMake project in `source` into `build` (with -G GENERATOR if
# the caller set it; extra arguments go to the configure) and builds it.
# Leaves the build's output in `output`.
function(configure_and_build what source build)
  set(generator_args)
  if(GENERATOR)
    set(generator_args -G "${GENERATOR}")
  endif()
  run("configure ${what}" ${CMAKE_COMMAND} -S "${source}" -B "${build}" ${generator_args} ${ARGN})
  run("build ${what}" ${CMAKE_COMMAND} --build "${build}")
  set(output "${output}" PARENT_SCOPE)
endfunction()
