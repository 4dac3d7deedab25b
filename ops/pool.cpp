// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool.
#include "ops/op_util.h"

namespace aotc {

void register_pool_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
