# aotc_add_model(): compile an ONNX model to C as part of a CMake build.
#
#   aotc_add_model(TARGET MODEL file.onnx [NAME c_name] [OPTIONS aotc flags...])
#
# Creates a static library TARGET from the C that aotc generates for the model
# (NAME.c), with NAME.h and aotc.h on its public include path, linked to libm.
# NAME is the C prefix (NAME_run(), NAME_model; default TARGET). OPTIONS go to
# aotc as they are (e.g. --target cortex-m4 --io separate; with --weights bin
# the weights are NAME_weights.bin, next to NAME.c on its include path). With
# --backend llvm aotc writes an object, NAME.o, instead of NAME.c, and the
# library archives it as it is: it is compiled for --target/--triple (default:
# the build machine), not with this project's compiler and flags. The C or
# object is generated in the build tree at build time and again whenever the
# model file or the aotc binary changes. Needs the aotc::aotc executable target, which
# find_package(aotc) and add_subdirectory(<aotc source tree>) both define.
include_guard(GLOBAL)

function(aotc_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MODEL;NAME" "OPTIONS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "aotc_add_model(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_MODEL)
    message(FATAL_ERROR "aotc_add_model(${target}): MODEL <file.onnx> is required")
  endif()
  if(NOT arg_NAME)
    set(arg_NAME ${target})
  endif()
  if(NOT arg_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "aotc_add_model(${target}): NAME '${arg_NAME}' is not a C identifier; give NAME c_name")
  endif()
  if(NOT TARGET aotc::aotc)
    message(FATAL_ERROR "aotc_add_model(${target}): no aotc::aotc target: call find_package(aotc) "
                        "or add_subdirectory(<aotc source tree>) first")
  endif()
  get_filename_component(model "${arg_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}.aotc")
  # A cross build makes aotc with an external project (cmake/aotc_host_build.cmake):
  # depend on that step too, so an edited aotc is rebuilt before it runs.
  get_property(aotc_build_step GLOBAL PROPERTY AOTC_BUILD_STEP)
  # --backend llvm (either spelling; CLI11 takes both). Cleared first: a
  # function sees its caller's variables.
  set(llvm OFF)
  set(backend "")
  set(weights_format "")
  list(FIND arg_OPTIONS "--backend" backend_at)
  if(backend_at GREATER_EQUAL 0)
    math(EXPR backend_at "${backend_at} + 1")
    list(LENGTH arg_OPTIONS n_options)
    if(backend_at LESS n_options)
      list(GET arg_OPTIONS ${backend_at} backend)
    endif()
  endif()
  if(backend STREQUAL "llvm" OR "--backend=llvm" IN_LIST arg_OPTIONS)
    set(llvm ON)
    set(generated_file ${arg_NAME}.o)
  else()
    set(generated_file ${arg_NAME}.c)
  endif()
  set(generated "${out}/${generated_file}")
  set(outputs "${generated}" "${out}/${arg_NAME}.h" "${out}/aotc.h")
  # --weights bin: NAME.c pulls the weights from NAME_weights.bin with the
  # assembler's .incbin, found through the include path below.
  list(FIND arg_OPTIONS "--weights" weights_at)
  if(weights_at GREATER_EQUAL 0)
    math(EXPR weights_at "${weights_at} + 1")
    list(GET arg_OPTIONS ${weights_at} weights_format)
  endif()
  if(weights_format STREQUAL "bin" OR "--weights=bin" IN_LIST arg_OPTIONS)
    if(llvm)
      message(FATAL_ERROR "aotc_add_model(${target}): --weights bin is for the C backend; "
                          "--backend llvm puts the weights into ${arg_NAME}.o")
    endif()
    list(APPEND outputs "${out}/${arg_NAME}_weights.bin")
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND aotc::aotc "${model}" -o "${out}" --name ${arg_NAME} ${arg_OPTIONS}
    DEPENDS "${model}" aotc::aotc "$<TARGET_FILE:aotc::aotc>" ${aotc_build_step}
    COMMENT "aotc: ${arg_MODEL} -> ${generated_file}"
    VERBATIM)
  add_library(${target} STATIC "${generated}")
  if(llvm)
    # Nothing to compile: CMake archives the object, and needs to be told a
    # link language it cannot infer (C, or CXX in a C++-only project).
    set_source_files_properties("${generated}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    if("C" IN_LIST languages OR NOT "CXX" IN_LIST languages)
      set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
    else()
      set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX)
    endif()
  endif()
  target_include_directories(${target} PUBLIC "${out}")
  if(NOT MSVC)
    target_link_libraries(${target} PUBLIC m)
  endif()
endfunction()
