// Gemm, MatMul.
#include "ops/op_util.h"

namespace aotc {

void register_matmul_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
