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
