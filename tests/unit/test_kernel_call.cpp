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

TEST_CASE("geometry goes to kernels as named structs, checked by type", "[kernel-call]") {
  const KernelInfo *conv = find_kernel("aotc_conv_direct_f64");  // (x, w, bias, y, const aotc_conv_params *geo)
  REQUIRE(conv);
  REQUIRE(conv->params.size() == 5);
  CHECK(conv->params[4].text() == "const aotc_conv_params *");

  Graph g;
  Value *x = input(g, "x", {1, 1, 1, 2}, DType::Double);
  Value *w = input(g, "w", {1, 1, 1, 1}, DType::Double);
  Value *y = typed_value(g, "y", Value::Kind::Intermediate, {1, 1, 1, 2}, DType::Double);
  aotc_conv_params geo{};
  geo.n = geo.groups = geo.cg = geo.mg = 1;
  for (int i = 0; i < 3; ++i) geo.kernel[i] = geo.stride[i] = geo.dilation[i] = geo.in[i] = geo.out[i] = 1;
  geo.in[2] = geo.out[2] = 2;
  KernelCall good;
  good.kernel = "aotc_conv_direct_f64";
  good.in(x).in(w).in(nullptr).out(y).params(geo);
  CHECK_NOTHROW(check_kernel_call(good, "test"));
  // The struct's words are its fields in declaration order, arrays inline (25 int32_t).
  const KernelArg &p = good.args[4];
  CHECK(p.params_type == "aotc_conv_params");
  REQUIRE(p.params_words.size() == 25);
  CHECK(p.params_words[6] == 2);  // in[2]
  CHECK(p.params.front().name == "n");
  CHECK(p.params.back().name == "blocked");

  KernelCall numbered;
  numbered.kernel = "aotc_conv_direct_f64";
  numbered.in(x).in(w).in(nullptr).out(y).ints(std::vector<int64_t>(23, 1));
  CHECK_THAT(error_of([&] { check_kernel_call(numbered, "test"); }),
             Contains("argument 5 of aotc_conv_direct_f64 is an int32_t array, but the kernel takes const "
                      "aotc_conv_params *"));
  KernelCall wrong_kernel;
  wrong_kernel.kernel = "aotc_scale_f32";
  wrong_kernel.params(geo).out(y).i(4).f(2.0);
  CHECK_THAT(error_of([&] { check_kernel_call(wrong_kernel, "test"); }),
             Contains("argument 1 of aotc_scale_f32 is a aotc_conv_params struct, but the kernel takes const float *"));
}
