# The RAM of two ways of calling one model on a Cortex-M4 image, linked with
# -ffunction-sections -fdata-sections -Wl,--gc-sections as firmware is:
#   w2_main.c   NAME_run_with_scratch with caller scratch, input and output
#   api_main.c  the standard API (aotc.h) with a caller arena of NAME_ARENA_SIZE
# Fails unless the standard-API image has no more .bss than the W2 one and
# links no static arena of the model (model_arena).
#   cmake -DCC=arm-none-eabi-gcc -DSIZE=... -DNM=... -DGEN=<dir of model.c> -DHERE=<dir of the mains>
#         -DBENCH=<bench/cortex-m> -DOUT=<dir> -P check_cortex_m_ram.cmake
if(NOT CC OR NOT SIZE OR NOT NM)
  message("SKIPPED: arm-none-eabi-gcc/-size/-nm are not installed (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi)")
  return()
endif()
file(MAKE_DIRECTORY "${OUT}")
foreach(kind w2 api)
  execute_process(
    COMMAND "${CC}" -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 -std=c99
            -ffunction-sections -fdata-sections -I${GEN} ${HERE}/${kind}_main.c ${BENCH}/startup.c
            ${GEN}/model.c -nostartfiles --specs=nosys.specs -T ${BENCH}/cortex-m.ld -Wl,--gc-sections -lm
            -o ${OUT}/${kind}.elf
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building ${kind}.elf failed (exit ${rc}):\n${out}")
  endif()
  execute_process(COMMAND "${SIZE}" ${OUT}/${kind}.elf RESULT_VARIABLE rc OUTPUT_VARIABLE table)
  # Berkeley format: a header line, then "text data bss dec hex file".
  if(NOT rc EQUAL 0 OR NOT table MATCHES "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)")
    message(FATAL_ERROR "cannot read the size of ${kind}.elf:\n${table}")
  endif()
  set(bss_${kind} ${CMAKE_MATCH_3})
  execute_process(COMMAND "${NM}" ${OUT}/${kind}.elf OUTPUT_VARIABLE symbols_${kind})
endforeach()
message("Cortex-M4 .bss: NAME_run_with_scratch ${bss_w2} bytes, standard API with a caller arena ${bss_api} bytes")
if(bss_api GREATER bss_w2)
  message(FATAL_ERROR "the standard API with a caller arena needs more .bss (${bss_api}) than NAME_run_with_scratch (${bss_w2})")
endif()
if(symbols_api MATCHES "[ \t]model_arena")
  message(FATAL_ERROR "the standard-API image links the model's static arena (model_arena)")
endif()
