// Cast, CastLike.
#include "ops/op_util.h"

namespace aotc {

void register_cast_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
