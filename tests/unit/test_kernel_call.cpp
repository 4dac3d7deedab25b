// Kernel calls are checked against the kernels' C signatures (read from the
// runtime-c sources when aotc is built): a lowering bug is an internal error
// at compile time, never generated C that does not compile.
#include <catch2/catch.hpp>

#include "ops/kernel_library.h"
#include "test_util.h"

using namespace aotc;
using namespace aotc_test;
using Catch::Matchers::Contains;

TEST_CASE("kernel signatures are read from the C sources", "[kernel-call]") {
  const KernelInfo *scale = find_kernel("aotc_scale_f32");  // (const float *x, float *y, int32_t n, float s)
  REQUIRE(scale);
  REQUIRE(scale->params.size() == 4);
  CHECK(scale->params[0].text() == "const float *");
  CHECK(scale->params[1].text() == "float *");
  CHECK(scale->params[2].text() == "an integer");
  CHECK(scale->params[3].text() == "a float");
  const KernelInfo *copy = find_kernel("aotc_copy");  // (const void *x, void *y, int32_t bytes)
  REQUIRE(copy);
  CHECK(copy->params[0].text() == "const void *");
}

TEST_CASE("kernel calls that do not match the C signature are internal errors", "[kernel-call]") {
  Graph g;
  Value *x = input(g, "x", {4});
  Value *xi = input(g, "xi", {4}, DType::Int32);
  Value *y = typed_value(g, "y", Value::Kind::Intermediate, {4});
  auto call = [](const char *kernel) {
    KernelCall c;
    c.kernel = kernel;
    return c;
  };
  KernelCall good = call("aotc_scale_f32");
  good.in(x).out(y).i(4).f(2.0);
  CHECK_NOTHROW(check_kernel_call(good, "test"));
  KernelCall generic = call("aotc_copy");
  generic.in(xi).out(y).i(16);  // void pointers take any tensor
  CHECK_NOTHROW(check_kernel_call(generic, "test"));

  KernelCall missing = call("aotc_no_such_kernel");
  CHECK_THAT(error_of([&] { check_kernel_call(missing, "node 'n'"); }), Contains("node 'n': no kernel named"));
  KernelCall arity = call("aotc_scale_f32");
  arity.in(x).out(y).i(4);
  CHECK_THAT(error_of([&] { check_kernel_call(arity, "test"); }), Contains("takes 4 arguments, lowering passed 3"));
  KernelCall kind = call("aotc_scale_f32");
  kind.in(x).out(y).f(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(kind, "test"); }),
             Contains("argument 3 of aotc_scale_f32 is a float, but the kernel takes an integer"));
  KernelCall dtype = call("aotc_scale_f32");
  dtype.in(xi).out(y).i(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(dtype, "test"); }),
             Contains("argument 1 of aotc_scale_f32 is read tensor 'xi' (int32_t), but the kernel takes const float *"));
  KernelCall direction = call("aotc_scale_f32");
  direction.out(x).in(y).i(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(direction, "test"); }), Contains("written tensor 'x'"));
  KernelCall array = call("aotc_scale_f32");
  array.ints({1, 2}).out(y).i(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(array, "test"); }), Contains("is an int32_t array"));
  KernelCall scratch = call("aotc_scale_f32");
  scratch.scratch(16).out(y).i(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(scratch, "test"); }), Contains("is scratch memory"));
}
