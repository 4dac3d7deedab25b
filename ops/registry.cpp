// The one list of op families. Each family file registers its ops here.
#include "ops/op.h"

namespace aotc {

void register_elementwise_ops(OpRegistry &r);
void register_conv_ops(OpRegistry &r);
void register_pool_ops(OpRegistry &r);
void register_normalization_ops(OpRegistry &r);
void register_matmul_ops(OpRegistry &r);
void register_softmax_ops(OpRegistry &r);
void register_reduce_ops(OpRegistry &r);
void register_shape_ops_ops(OpRegistry &r);
void register_data_movement_ops(OpRegistry &r);
void register_cast_ops(OpRegistry &r);
void register_logical_ops(OpRegistry &r);
void register_quantize_ops(OpRegistry &r);
void register_quantize_contrib_ops(OpRegistry &r);
void register_loss_ops(OpRegistry &r);
void register_recurrent_ops(OpRegistry &r);
void register_resize_ops(OpRegistry &r);
void register_cumulative_ops(OpRegistry &r);
void register_matrix_ops(OpRegistry &r);
void register_bitwise_ops(OpRegistry &r);
void register_control_flow_ops(OpRegistry &r);
void register_attention_ops(OpRegistry &r);
void register_bitcast_ops(OpRegistry &r);
void register_topk_ops(OpRegistry &r);
void register_scatter_gather_ops(OpRegistry &r);
void register_einsum_ops(OpRegistry &r);
void register_col2im_ops(OpRegistry &r);
void register_signal_ops(OpRegistry &r);
void register_data_dependent_ops(OpRegistry &r);
void register_grid_ops(OpRegistry &r);
void register_deform_conv_ops(OpRegistry &r);
void register_tree_ensemble_ops(OpRegistry &r);

namespace {
const OpRegistry &registry() {
  static const OpRegistry instance = [] {
    OpRegistry r;
    register_elementwise_ops(r);
    register_conv_ops(r);
    register_pool_ops(r);
    register_normalization_ops(r);
    register_matmul_ops(r);
    register_softmax_ops(r);
    register_reduce_ops(r);
    register_shape_ops_ops(r);
    register_data_movement_ops(r);
    register_cast_ops(r);
    register_logical_ops(r);
    register_quantize_ops(r);
    register_quantize_contrib_ops(r);
    register_loss_ops(r);
    register_recurrent_ops(r);
    register_resize_ops(r);
    register_cumulative_ops(r);
    register_matrix_ops(r);
    register_bitwise_ops(r);
    register_control_flow_ops(r);
    register_attention_ops(r);
    register_bitcast_ops(r);
    register_topk_ops(r);
    register_scatter_gather_ops(r);
    register_einsum_ops(r);
    register_col2im_ops(r);
    register_signal_ops(r);
    register_data_dependent_ops(r);
    register_grid_ops(r);
    register_deform_conv_ops(r);
    register_tree_ensemble_ops(r);
    return r;
  }();
  return instance;
}
}  // namespace

const OpDef *find_op(const std::string &domain, const std::string &op) {
  return registry().find(domain == "ai.onnx" ? "" : domain, op);
}

std::vector<const OpDef *> all_ops() { return registry().all(); }

}  // namespace aotc
