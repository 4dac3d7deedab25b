// Conv and ConvTranspose.
#include "ops/op_util.h"

namespace aotc {

void register_conv_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
