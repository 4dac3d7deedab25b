/*
 * aotc.h -- the standard C API of aotc-generated models.
 *
 * This header is the same for every model. Each generated model exports one
 * descriptor, `extern const aotc_model NAME_model;`, declared in its NAME.h.
 * Firmware written once against this API can inspect and run any model:
 *
 *     #include "mnist.h"
 *     AOTC_ALIGNED(MNIST_ARENA_ALIGNMENT) static unsigned char arena[MNIST_ARENA_SIZE];
 *     aotc_session s;
 *     if (aotc_session_init(&s, &mnist_model, arena, sizeof arena) != AOTC_OK) ...
 *     float *in = (float *)aotc_input_buffer(&s, 0);                      // zero-copy: fill in place
 *     ... or aotc_set_input(&s, 0, image, sizeof image);                  // copy in
 *     if (aotc_run(&s) != AOTC_OK) ...
 *     const float *scores = (const float *)aotc_output_buffer(&s, 0);
 *
 * A session needs `model->arena_size` bytes aligned to
 * `model->arena_alignment`: the caller's, or the model's static arena
 * (`aotc_session_init(&s, m, NULL, 0)`) if NAME.c was compiled with
 * AOTC_STATIC_ARENA defined (otherwise model->static_arena is NULL and no
 * static arena is linked for the standard API).
 *
 * By default (aotc --io arena) the inputs and outputs are tensors of the
 * model's memory plan: they sit at their `session_offset` inside the arena and
 * share it with intermediate tensors once dead, so the arena is the plan and
 * nothing more. Running overwrites the inputs (set them before every run);
 * outputs stay valid until the next input is written or the next run.
 * With aotc --io separate, a session keeps its input and output buffers
 * after the model's scratch area, with pointer tables that
 * aotc_bind_input()/aotc_bind_output() can point at caller-owned buffers
 * (no copies at all); there inputs survive a run.
 *
 * Everything here is `static inline`, so there is no library to link and any
 * number of models (and translation units) can include it without clashes.
 * It is C99 and C++ compatible, uses no malloc and no stdio.
 */
#ifndef AOTC_H
#define AOTC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the aotc_model layout; bumped on incompatible changes. */
#define AOTC_ABI_VERSION 3u

/**
 * AOTC_ALIGNED(n): aligns the variable it precedes to n bytes, for arenas:
 *     AOTC_ALIGNED(NAME_ARENA_ALIGNMENT) static unsigned char arena[NAME_ARENA_SIZE];
 * (first in the declaration: where C++ allows alignas)
 * C99 has no way to say this, so it is _Alignas in C11, alignas in C++11, and
 * the compiler's own attribute in GCC, Clang, Arm Compiler, IAR and MSVC.
 * Elsewhere it is empty (AOTC_HAS_ALIGNED is 0) and aotc_session_init()
 * refuses a misaligned arena with AOTC_ERR_ARENA_MISALIGNED.
 */
#ifndef AOTC_ALIGNED
#if defined(__cplusplus) && __cplusplus >= 201103L
#define AOTC_ALIGNED(n) alignas(n)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define AOTC_ALIGNED(n) _Alignas(n)
#elif defined(__GNUC__) || defined(__clang__) || defined(__ARMCC_VERSION) || defined(__IAR_SYSTEMS_ICC__)
#define AOTC_ALIGNED(n) __attribute__((aligned(n)))
#elif defined(_MSC_VER)
#define AOTC_ALIGNED(n) __declspec(align(n))
#endif
#endif
#ifdef AOTC_ALIGNED
#define AOTC_HAS_ALIGNED 1
#else
#define AOTC_ALIGNED(n)
#define AOTC_HAS_ALIGNED 0
#endif

/**
 * Bytes reserved per entry of a session's pointer tables (aotc --io
 * separate): the largest pointer of any target, so that NAME_ARENA_SIZE is one
 * integer constant, the same on every target (usable in #if).
 */
#define AOTC_POINTER_SLOT_BYTES 8u
typedef char aotc_pointer_fits_slot_[sizeof(void *) <= AOTC_POINTER_SLOT_BYTES ? 1 : -1];

/** Status codes returned by every API function and by model run functions. */
typedef enum aotc_status {
  AOTC_OK = 0,
  AOTC_ERR_NULL_ARGUMENT = 1,   /**< a required pointer argument was NULL */
  AOTC_ERR_BAD_INDEX = 2,       /**< input/output index out of range */
  AOTC_ERR_SIZE_MISMATCH = 3,   /**< byte count differs from the tensor's size */
  AOTC_ERR_ARENA_TOO_SMALL = 4, /**< caller arena smaller than model->arena_size */
  AOTC_ERR_ARENA_MISALIGNED = 5,/**< caller arena not aligned to model->arena_alignment */
  AOTC_ERR_NOT_FOUND = 6,       /**< no input/output with that name */
  AOTC_ERR_ABI_MISMATCH = 7,    /**< model built for another AOTC_ABI_VERSION */
  AOTC_ERR_NO_ARENA = 8,        /**< no arena given and the model has no static one */
  AOTC_ERR_BAD_ARGUMENT = 9,    /**< an argument makes no sense, e.g. a size for a NULL arena */
  AOTC_ERR_UNSUPPORTED = 10     /**< the model cannot do that, e.g. bind buffers unless built with --io separate */
} aotc_status;

/**
 * Element types; the numbers are ONNX's TensorProto.DataType.
 * Every type from FLOAT8E4M3FN on takes ONE BYTE PER ELEMENT: the 8-bit floats
 * hold their bit pattern (uint8_t); the 4-bit and 2-bit types are unpacked, one
 * element per byte (uint8_t for UINT4, UINT2 and FLOAT4E2M1, whose code is in the
 * low bits; int8_t holding the sign-extended value for INT4 and INT2), unlike
 * ONNX's packed serialization.
 */
typedef enum aotc_dtype {
  AOTC_DTYPE_UNDEFINED = 0,
  AOTC_DTYPE_FLOAT32 = 1,
  AOTC_DTYPE_UINT8 = 2,
  AOTC_DTYPE_INT8 = 3,
  AOTC_DTYPE_UINT16 = 4,
  AOTC_DTYPE_INT16 = 5,
  AOTC_DTYPE_INT32 = 6,
  AOTC_DTYPE_INT64 = 7,
  AOTC_DTYPE_BOOL = 9,
  AOTC_DTYPE_FLOAT16 = 10,
  AOTC_DTYPE_FLOAT64 = 11,
  AOTC_DTYPE_UINT32 = 12,
  AOTC_DTYPE_UINT64 = 13,
  AOTC_DTYPE_BFLOAT16 = 16,
  AOTC_DTYPE_FLOAT8E4M3FN = 17,
  AOTC_DTYPE_FLOAT8E4M3FNUZ = 18,
  AOTC_DTYPE_FLOAT8E5M2 = 19,
  AOTC_DTYPE_FLOAT8E5M2FNUZ = 20,
  AOTC_DTYPE_UINT4 = 21,
  AOTC_DTYPE_INT4 = 22,
  AOTC_DTYPE_FLOAT4E2M1 = 23,
  AOTC_DTYPE_FLOAT8E8M0 = 24,
  AOTC_DTYPE_UINT2 = 25,
  AOTC_DTYPE_INT2 = 26
} aotc_dtype;

/** Static description of one model input or output. */
typedef struct aotc_tensor_info {
  const char *name;        /**< name in the ONNX graph */
  int32_t dtype;           /**< an aotc_dtype */
  int32_t rank;
  const int64_t *shape;    /**< `rank` dims */
  size_t num_elements;
  size_t byte_size;
  size_t session_offset;   /**< where a session keeps this tensor in its arena (inputs and outputs may
                                share bytes with each other when the model keeps them in the arena) */
} aotc_tensor_info;

/**
 * Run function of a model: inputs[i] and outputs[i] point at the tensors,
 * `scratch` at least `scratch_size` bytes aligned to arena_alignment. A model
 * with io_in_arena takes its tensors at their session_offset in `scratch`
 * (arena_size bytes) and ignores `inputs` and `outputs` (NULL).
 */
typedef int (*aotc_run_fn)(const void *const *inputs, void *const *outputs, void *scratch);

/** What every generated model exports (as NAME_model). Read-only, in flash. */
typedef struct aotc_model {
  uint32_t abi_version;       /**< AOTC_ABI_VERSION the model was built for */
  const char *name;           /**< --name given to aotc */
  uint32_t num_inputs;
  uint32_t num_outputs;
  const aotc_tensor_info *inputs;
  const aotc_tensor_info *outputs;
  size_t scratch_size;        /**< bytes of the memory plan (with the inputs and outputs if io_in_arena) */
  size_t arena_size;          /**< bytes a session needs: the plan if io_in_arena, else scratch + inputs +
                                   outputs + pointer tables (AOTC_POINTER_SLOT_BYTES per input and output) */
  size_t arena_alignment;     /**< required alignment of an arena, in bytes */
  uint32_t io_in_arena;       /**< 1: inputs and outputs live in the plan (aotc --io arena, the default);
                                   0: in buffers of their own (--io separate) */
  void *static_arena;         /**< the model's own arena of arena_size bytes (NAME.c compiled with
                                   AOTC_STATIC_ARENA), or NULL */
  aotc_run_fn run;
} aotc_model;

/** A running instance of a model: a model plus an arena. Plain data, no allocation. */
typedef struct aotc_session {
  const aotc_model *model;
  unsigned char *arena;
  const void **input_ptrs;    /**< in the arena: where each input is read from (NULL if io_in_arena) */
  void **output_ptrs;         /**< in the arena: where each output is written (NULL if io_in_arena) */
} aotc_session;

/** Returns a constant English string for a status code. */
static inline const char *aotc_status_string(aotc_status status) {
  switch (status) {
    case AOTC_OK: return "ok";
    case AOTC_ERR_NULL_ARGUMENT: return "a required argument is NULL";
    case AOTC_ERR_BAD_INDEX: return "input/output index out of range";
    case AOTC_ERR_SIZE_MISMATCH: return "byte count does not match the tensor size";
    case AOTC_ERR_ARENA_TOO_SMALL: return "arena is smaller than the model's arena_size";
    case AOTC_ERR_ARENA_MISALIGNED: return "arena is not aligned to the model's arena_alignment";
    case AOTC_ERR_NOT_FOUND: return "no tensor with that name";
    case AOTC_ERR_ABI_MISMATCH: return "model was generated for another aotc ABI version";
    case AOTC_ERR_NO_ARENA: return "no arena given and the model has no static arena";
    case AOTC_ERR_BAD_ARGUMENT: return "an argument makes no sense (e.g. a size given for a NULL arena)";
    case AOTC_ERR_UNSUPPORTED: return "the model does not support this (binding buffers needs aotc --io separate)";
  }
  return "unknown status";
}

/** Returns the size in bytes of one element of `dtype`, or 0 if unknown. */
static inline size_t aotc_dtype_size(int32_t dtype) {
  switch (dtype) {
    case AOTC_DTYPE_UINT8: case AOTC_DTYPE_INT8: case AOTC_DTYPE_BOOL: return 1;
    case AOTC_DTYPE_FLOAT8E4M3FN: case AOTC_DTYPE_FLOAT8E4M3FNUZ: case AOTC_DTYPE_FLOAT8E5M2:
    case AOTC_DTYPE_FLOAT8E5M2FNUZ: case AOTC_DTYPE_FLOAT8E8M0: case AOTC_DTYPE_FLOAT4E2M1:
    case AOTC_DTYPE_UINT4: case AOTC_DTYPE_INT4: case AOTC_DTYPE_UINT2: case AOTC_DTYPE_INT2: return 1;
    case AOTC_DTYPE_UINT16: case AOTC_DTYPE_INT16: case AOTC_DTYPE_FLOAT16: case AOTC_DTYPE_BFLOAT16: return 2;
    case AOTC_DTYPE_FLOAT32: case AOTC_DTYPE_INT32: case AOTC_DTYPE_UINT32: return 4;
    case AOTC_DTYPE_INT64: case AOTC_DTYPE_FLOAT64: case AOTC_DTYPE_UINT64: return 8;
    default: return 0;
  }
}

/** Returns the name of a dtype, e.g. "float32". */
static inline const char *aotc_dtype_name(int32_t dtype) {
  switch (dtype) {
    case AOTC_DTYPE_FLOAT32: return "float32";
    case AOTC_DTYPE_UINT8: return "uint8";
    case AOTC_DTYPE_INT8: return "int8";
    case AOTC_DTYPE_UINT16: return "uint16";
    case AOTC_DTYPE_INT16: return "int16";
    case AOTC_DTYPE_INT32: return "int32";
    case AOTC_DTYPE_INT64: return "int64";
    case AOTC_DTYPE_BOOL: return "bool";
    case AOTC_DTYPE_FLOAT16: return "float16";
    case AOTC_DTYPE_FLOAT64: return "float64";
    case AOTC_DTYPE_UINT32: return "uint32";
    case AOTC_DTYPE_UINT64: return "uint64";
    case AOTC_DTYPE_BFLOAT16: return "bfloat16";
    case AOTC_DTYPE_FLOAT8E4M3FN: return "float8e4m3fn";
    case AOTC_DTYPE_FLOAT8E4M3FNUZ: return "float8e4m3fnuz";
    case AOTC_DTYPE_FLOAT8E5M2: return "float8e5m2";
    case AOTC_DTYPE_FLOAT8E5M2FNUZ: return "float8e5m2fnuz";
    case AOTC_DTYPE_UINT4: return "uint4";
    case AOTC_DTYPE_INT4: return "int4";
    case AOTC_DTYPE_FLOAT4E2M1: return "float4e2m1";
    case AOTC_DTYPE_FLOAT8E8M0: return "float8e8m0";
    case AOTC_DTYPE_UINT2: return "uint2";
    case AOTC_DTYPE_INT2: return "int2";
    default: return "undefined";
  }
}

/* ---- introspection ---------------------------------------------------- */

static inline uint32_t aotc_num_inputs(const aotc_model *m) { return m ? m->num_inputs : 0u; }
static inline uint32_t aotc_num_outputs(const aotc_model *m) { return m ? m->num_outputs : 0u; }

/** Returns input `index`'s description, or NULL if out of range. */
static inline const aotc_tensor_info *aotc_input_info(const aotc_model *m, uint32_t index) {
  return (m && index < m->num_inputs) ? &m->inputs[index] : NULL;
}

/** Returns output `index`'s description, or NULL if out of range. */
static inline const aotc_tensor_info *aotc_output_info(const aotc_model *m, uint32_t index) {
  return (m && index < m->num_outputs) ? &m->outputs[index] : NULL;
}

static inline aotc_status aotc_find_tensor_(const aotc_tensor_info *infos, uint32_t n, const char *name,
                                            uint32_t *index) {
  uint32_t i;
  if (!name || !index) return AOTC_ERR_NULL_ARGUMENT;
  for (i = 0; i < n; ++i) {
    if (strcmp(infos[i].name, name) == 0) {
      *index = i;
      return AOTC_OK;
    }
  }
  return AOTC_ERR_NOT_FOUND;
}

/** Looks up an input by its ONNX name. */
static inline aotc_status aotc_find_input(const aotc_model *m, const char *name, uint32_t *index) {
  if (!m) return AOTC_ERR_NULL_ARGUMENT;
  return aotc_find_tensor_(m->inputs, m->num_inputs, name, index);
}

/** Looks up an output by its ONNX name. */
static inline aotc_status aotc_find_output(const aotc_model *m, const char *name, uint32_t *index) {
  if (!m) return AOTC_ERR_NULL_ARGUMENT;
  return aotc_find_tensor_(m->outputs, m->num_outputs, name, index);
}

/* ---- sessions --------------------------------------------------------- */

/* Pointer tables follow the scratch area and the I/O buffers in the arena (--io separate). */
static inline size_t aotc_pointer_table_offset_(const aotc_model *m) {
  return m->arena_size - (size_t)(m->num_inputs + m->num_outputs) * AOTC_POINTER_SLOT_BYTES;
}

/**
 * Prepares a session on `arena` (`arena_bytes` long, at least
 * model->arena_size, aligned to model->arena_alignment), or on the model's
 * own static arena if `arena` is NULL, in which case `arena_bytes` must be 0
 * (anything else is AOTC_ERR_BAD_ARGUMENT; AOTC_ERR_NO_ARENA if the model was
 * compiled without AOTC_STATIC_ARENA). Input and output pointers start out at
 * the session's buffers inside the arena. Sessions on the static arena share
 * it (and NAME_run): use one at a time.
 */
static inline aotc_status aotc_session_init(aotc_session *s, const aotc_model *m, void *arena,
                                            size_t arena_bytes) {
  uint32_t i;
  void **table;
  if (!s || !m) return AOTC_ERR_NULL_ARGUMENT;
  if (m->abi_version != AOTC_ABI_VERSION) return AOTC_ERR_ABI_MISMATCH;
  if (!arena) {
    if (arena_bytes != 0) return AOTC_ERR_BAD_ARGUMENT;
    if (!m->static_arena) return AOTC_ERR_NO_ARENA;
    arena = m->static_arena;
    arena_bytes = m->arena_size;
  }
  if (arena_bytes < m->arena_size) return AOTC_ERR_ARENA_TOO_SMALL;
  if (m->arena_alignment && ((uintptr_t)arena % m->arena_alignment) != 0) return AOTC_ERR_ARENA_MISALIGNED;
  s->model = m;
  s->arena = (unsigned char *)arena;
  s->input_ptrs = NULL;
  s->output_ptrs = NULL;
  if (m->io_in_arena) return AOTC_OK; /* the tensors stay at their session_offset */
  table = (void **)(void *)(s->arena + aotc_pointer_table_offset_(m));
  s->input_ptrs = (const void **)table;
  s->output_ptrs = table + m->num_inputs;
  for (i = 0; i < m->num_inputs; ++i) s->input_ptrs[i] = s->arena + m->inputs[i].session_offset;
  for (i = 0; i < m->num_outputs; ++i) s->output_ptrs[i] = s->arena + m->outputs[i].session_offset;
  return AOTC_OK;
}

/** Returns the buffer input `index` is read from (write the input there), or NULL. */
static inline void *aotc_input_buffer(aotc_session *s, uint32_t index) {
  if (!s || !s->model || index >= s->model->num_inputs) return NULL;
  if (!s->input_ptrs) return s->arena + s->model->inputs[index].session_offset;
  return (void *)(uintptr_t)s->input_ptrs[index];
}

/** Returns the buffer output `index` is written to, or NULL. */
static inline void *aotc_output_buffer(aotc_session *s, uint32_t index) {
  if (!s || !s->model || index >= s->model->num_outputs) return NULL;
  if (!s->output_ptrs) return s->arena + s->model->outputs[index].session_offset;
  return s->output_ptrs[index];
}

/** Copies `bytes` bytes (exactly the input's byte_size) into input `index`. */
static inline aotc_status aotc_set_input(aotc_session *s, uint32_t index, const void *data, size_t bytes) {
  void *buffer;
  if (!s || !s->model || !data) return AOTC_ERR_NULL_ARGUMENT;
  if (index >= s->model->num_inputs) return AOTC_ERR_BAD_INDEX;
  if (bytes != s->model->inputs[index].byte_size) return AOTC_ERR_SIZE_MISMATCH;
  buffer = aotc_input_buffer(s, index);
  if (buffer != data) memcpy(buffer, data, bytes);
  return AOTC_OK;
}

/** Copies output `index` (exactly `bytes` = its byte_size) to `data`. */
static inline aotc_status aotc_get_output(const aotc_session *s, uint32_t index, void *data, size_t bytes) {
  const void *buffer;
  if (!s || !s->model || !data) return AOTC_ERR_NULL_ARGUMENT;
  if (index >= s->model->num_outputs) return AOTC_ERR_BAD_INDEX;
  if (bytes != s->model->outputs[index].byte_size) return AOTC_ERR_SIZE_MISMATCH;
  buffer = s->output_ptrs ? s->output_ptrs[index] : s->arena + s->model->outputs[index].session_offset;
  if (buffer != data) memcpy(data, buffer, bytes);
  return AOTC_OK;
}

/**
 * Makes input `index` be read straight from caller memory (zero copy).
 * AOTC_ERR_UNSUPPORTED unless the model was compiled with --io separate (in
 * the arena, fill aotc_input_buffer() instead).
 */
static inline aotc_status aotc_bind_input(aotc_session *s, uint32_t index, const void *data) {
  if (!s || !s->model || !data) return AOTC_ERR_NULL_ARGUMENT;
  if (index >= s->model->num_inputs) return AOTC_ERR_BAD_INDEX;
  if (!s->input_ptrs) return AOTC_ERR_UNSUPPORTED;
  s->input_ptrs[index] = data;
  return AOTC_OK;
}

/**
 * Makes output `index` be written straight to caller memory (zero copy).
 * AOTC_ERR_UNSUPPORTED unless the model was compiled with --io separate (in
 * the arena, read aotc_output_buffer() instead).
 */
static inline aotc_status aotc_bind_output(aotc_session *s, uint32_t index, void *data) {
  if (!s || !s->model || !data) return AOTC_ERR_NULL_ARGUMENT;
  if (index >= s->model->num_outputs) return AOTC_ERR_BAD_INDEX;
  if (!s->output_ptrs) return AOTC_ERR_UNSUPPORTED;
  s->output_ptrs[index] = data;
  return AOTC_OK;
}

/** Runs the model once on the session's current inputs. */
static inline aotc_status aotc_run(aotc_session *s) {
  if (!s || !s->model) return AOTC_ERR_NULL_ARGUMENT;
  return (aotc_status)s->model->run(s->input_ptrs, (void *const *)s->output_ptrs, s->arena);
}

#ifdef __cplusplus
}
#endif

#endif /* AOTC_H */
