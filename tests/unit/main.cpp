// Catch2 (v2) main for aotc_unit_tests and aotc_cli_tests (the object library
// aotc_catch_main). The unit test cases live in the other files of this folder,
// one per compiler component.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
