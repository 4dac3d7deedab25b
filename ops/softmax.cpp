// Softmax, LogSoftmax, Hardmax.
#include "ops/op_util.h"

namespace aotc {

void register_softmax_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
