// Catch2 (v2) main for aotc_unit_tests. The test cases live in the other files
// of this folder, one per compiler component.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
