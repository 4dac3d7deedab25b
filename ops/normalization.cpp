// BatchNormalization, InstanceNormalization, LayerNormalization, LRN.
#include "ops/op_util.h"

namespace aotc {

void register_normalization_ops(OpRegistry &r) { (void)r; }

}  // namespace aotc
