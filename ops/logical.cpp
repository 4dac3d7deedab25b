// comparisons (Equal, Less, Greater, ...), Not, And, Or, Xor, Where.
#include "ops/op_util.h"

namespace aotc {

void register_logical_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
