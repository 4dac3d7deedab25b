# Toolchain file: bare-metal Cortex-M4F (hard float) with Debian's
# arm-none-eabi-gcc and newlib (gcc-arm-none-eabi, libnewlib-arm-none-eabi).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
# The flags `aotc --target cortex-m4` suggests in NAME.h; one section per
# function and object so --gc-sections drops what the firmware does not call.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
# newlib's system-call stubs: the firmware does its I/O over semihosting itself.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nosys.specs")
# CMake's compiler checks cannot link a bare-metal program without a linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
