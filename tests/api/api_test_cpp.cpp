// The API test (api_test.c) compiled as C++17: aotc.h and the generated model
// header must be usable from C++ (extern "C", no C-only constructs), and the
// C-compiled model links into a C++ program.
#include "api_test.c"
