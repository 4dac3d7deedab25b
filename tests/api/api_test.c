/*
 * api_test.c -- tests of the standard C API (aotc.h) on a generated model.
 *
 * The model is tests/data/add_relu.onnx compiled with --name addrelu:
 *     y = Relu(x + c),  x f32[2,3],  c = [0.5, -1, 2]
 * so every output can be computed by hand. The program uses only aotc.h and
 * the model header; it checks introspection, sessions on the model's static
 * arena (built with AOTC_STATIC_ARENA) and on caller arenas, copy in/out,
 * zero-copy buffers, bound caller buffers, every error status, and that the
 * standard API gives exactly what the direct entry point addrelu_run() gives.
 * It runs on the model compiled both ways: inputs and outputs in the arena
 * (the default; api_test) and --io separate (api_test_separate).
 *
 * It is C99 that is also valid C++: api_test_cpp.cpp compiles this same file
 * as C++ to check that aotc.h and generated headers work from C++.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrelu.h"

#include "check.h"

#define CHECK_STATUS(expr, expected)                                                                   \
  do {                                                                                                 \
    aotc_status st_ = (expr);                                                                          \
    if (st_ != (expected)) {                                                                           \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %s\n", __FILE__, __LINE__, #expr, (int)st_, \
              aotc_status_string(st_), #expected);                                                     \
      ++failures;                                                                                      \
    }                                                                                                  \
  } while (0)

/* NAME_ARENA_SIZE is an integer constant, the same on every target: #if can use it. */
#if ADDRELU_ARENA_SIZE < ADDRELU_SCRATCH_SIZE || ADDRELU_ARENA_SIZE % 8 != 0
#error "ADDRELU_ARENA_SIZE is below the scratch size or not whole pointer slots"
#endif

/* A caller arena aligned with aotc.h's AOTC_ALIGNED (C99 has no _Alignas). */
AOTC_ALIGNED(ADDRELU_ARENA_ALIGNMENT) static unsigned char declared_arena[ADDRELU_ARENA_SIZE];

static const float kC[3] = {0.5f, -1.0f, 2.0f};

/* The hand-computed reference: relu(x + c), in float like the kernels. */
static void reference(const float *x, float *y) {
  int i;
  for (i = 0; i < 6; ++i) {
    float s = x[i] + kC[i % 3];
    y[i] = s > 0.0f ? s : 0.0f;
  }
}

/* Deterministic pseudo-random inputs in [-4, 4). */
static void fill_inputs(float *x, unsigned seed) {
  unsigned state = seed * 2654435761u + 1u;
  int i;
  for (i = 0; i < 6; ++i) {
    state = state * 1664525u + 1013904223u;
    x[i] = (float)(state >> 8) / (float)(1u << 24) * 8.0f - 4.0f;
  }
}

static int same_floats(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

/* An arena of `size` bytes aligned to `align` inside a malloc'd block (freed by the caller via *block). */
static unsigned char *aligned_arena(size_t size, size_t align, unsigned char **block) {
  uintptr_t p;
  *block = (unsigned char *)malloc(size + 2 * align);
  if (!*block) return NULL;
  p = (uintptr_t)*block;
  p = (p + align - 1) / align * align;
  return (unsigned char *)p;
}

static void test_introspection(void) {
  const aotc_model *m = &addrelu_model;
  const aotc_tensor_info *in = aotc_input_info(m, 0);
  const aotc_tensor_info *out = aotc_output_info(m, 0);
  CHECK(m->abi_version == AOTC_ABI_VERSION);
  CHECK(strcmp(m->name, "addrelu") == 0);
  CHECK(aotc_num_inputs(m) == 1u && ADDRELU_NUM_INPUTS == 1);
  CHECK(aotc_num_outputs(m) == 1u && ADDRELU_NUM_OUTPUTS == 1);
  CHECK(aotc_num_inputs(NULL) == 0u);
  CHECK(aotc_num_outputs(NULL) == 0u);
  CHECK(in != NULL && out != NULL);
  if (!in || !out) return;
  CHECK(strcmp(in->name, "x") == 0);
  CHECK(in->dtype == AOTC_DTYPE_FLOAT32);
  CHECK(in->rank == 2 && in->shape[0] == 2 && in->shape[1] == 3);
  CHECK(in->num_elements == 6u && ADDRELU_IN0_COUNT == 6);
  CHECK(in->byte_size == 24u && ADDRELU_IN0_BYTES == 24);
  CHECK(strcmp(out->name, "y") == 0);
  CHECK(out->dtype == AOTC_DTYPE_FLOAT32);
  CHECK(out->rank == 2 && out->shape[0] == 2 && out->shape[1] == 3);
  CHECK(out->byte_size == 24u && ADDRELU_OUT0_BYTES == 24);
  CHECK(aotc_input_info(m, 1) == NULL);
  CHECK(aotc_output_info(m, 1) == NULL);
  CHECK(aotc_input_info(NULL, 0) == NULL);
  CHECK(aotc_output_info(NULL, 0) == NULL);
  CHECK(m->scratch_size == ADDRELU_SCRATCH_SIZE);
  CHECK(m->arena_size == ADDRELU_ARENA_SIZE);
  CHECK(m->arena_alignment == ADDRELU_ARENA_ALIGNMENT);
  CHECK(m->arena_alignment > 1u);
  CHECK(in->session_offset % m->arena_alignment == 0);
  CHECK(out->session_offset % m->arena_alignment == 0);
  if (m->io_in_arena) {
    /* The plan holds the I/O: a session needs nothing more. x (24 bytes, 32
       aligned) and x + c are live together; y may take x's place. */
    CHECK(m->arena_size == m->scratch_size);
    CHECK(m->scratch_size >= 64u);
    CHECK(in->session_offset + in->byte_size <= m->arena_size);
    CHECK(out->session_offset + out->byte_size <= m->arena_size);
  } else {
    /* The arena holds scratch, the I/O buffers and the pointer tables. */
    CHECK(m->io_in_arena == 0u);
    CHECK(m->arena_size >= m->scratch_size + in->byte_size + out->byte_size + 2 * AOTC_POINTER_SLOT_BYTES);
    CHECK(in->session_offset >= m->scratch_size);
    CHECK(out->session_offset >= in->session_offset + in->byte_size);
    CHECK(out->session_offset + out->byte_size <= m->arena_size - 2 * AOTC_POINTER_SLOT_BYTES);
  }
  CHECK(m->static_arena != NULL); /* built with AOTC_STATIC_ARENA */
  CHECK(sizeof declared_arena == m->arena_size);
  CHECK(AOTC_HAS_ALIGNED == 1 && (uintptr_t)declared_arena % ADDRELU_ARENA_ALIGNMENT == 0);
}

static void test_find(void) {
  uint32_t index = 99;
  CHECK_STATUS(aotc_find_input(&addrelu_model, "x", &index), AOTC_OK);
  CHECK(index == 0);
  index = 99;
  CHECK_STATUS(aotc_find_output(&addrelu_model, "y", &index), AOTC_OK);
  CHECK(index == 0);
  CHECK_STATUS(aotc_find_input(&addrelu_model, "y", &index), AOTC_ERR_NOT_FOUND);
  CHECK_STATUS(aotc_find_output(&addrelu_model, "x", &index), AOTC_ERR_NOT_FOUND);
  CHECK_STATUS(aotc_find_input(&addrelu_model, "", &index), AOTC_ERR_NOT_FOUND);
  CHECK_STATUS(aotc_find_input(&addrelu_model, NULL, &index), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_find_input(&addrelu_model, "x", NULL), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_find_input(NULL, "x", &index), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_find_output(NULL, "y", &index), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_find_output(&addrelu_model, NULL, &index), AOTC_ERR_NULL_ARGUMENT);
}

/* Hand-computed values, through the static arena, copying in and out. */
static void test_static_arena_copy(void) {
  const float x[6] = {-1.0f, 1.25f, -3.0f, 2.0f, 1.5f, -2.5f};
  const float expected[6] = {0.0f, 0.25f, 0.0f, 2.5f, 0.5f, 0.0f};
  float y[6], y_w2[6];
  aotc_session s;
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, NULL, 0), AOTC_OK);
  CHECK(s.arena == (unsigned char *)addrelu_model.static_arena);
  CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x), AOTC_OK);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  CHECK_STATUS(aotc_get_output(&s, 0, y, sizeof y), AOTC_OK);
  CHECK(same_floats(y, expected, 6));
  /* The direct entry point gives the same bytes. */
  CHECK(addrelu_run(x, y_w2) == 0);
  CHECK(same_floats(y_w2, expected, 6));
}

/* Many inputs: standard API == direct entry point == run_with_scratch == reference. */
static void test_matches_w2(void) {
  unsigned char *block;
  unsigned char *scratch = aligned_arena(ADDRELU_SCRATCH_SIZE + 1, ADDRELU_ARENA_ALIGNMENT, &block);
  aotc_session s;
  unsigned seed;
  CHECK(scratch != NULL);
  if (!scratch) return;
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, NULL, 0), AOTC_OK);
  for (seed = 0; seed < 50; ++seed) {
    float x[6], y_api[6], y_w2[6], y_scratch[6], y_ref[6];
    fill_inputs(x, seed);
    reference(x, y_ref);
    CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x), AOTC_OK);
    CHECK_STATUS(aotc_run(&s), AOTC_OK);
    CHECK_STATUS(aotc_get_output(&s, 0, y_api, sizeof y_api), AOTC_OK);
    CHECK(addrelu_run(x, y_w2) == 0);
    CHECK(addrelu_run_with_scratch(x, y_scratch, scratch) == 0);
    CHECK(same_floats(y_api, y_w2, 6));
    CHECK(same_floats(y_api, y_scratch, 6));
    CHECK(same_floats(y_api, y_ref, 6));
  }
  if (addrelu_model.io_in_arena) {
    /* The direct entry points copy in before and out after the run, so one buffer can be both. */
    float xy[6], y_ref[6];
    fill_inputs(xy, 77);
    reference(xy, y_ref);
    CHECK(addrelu_run_with_scratch(xy, xy, scratch) == 0);
    CHECK(same_floats(xy, y_ref, 6));
  }
  free(block);
}

/* Zero copy: fill the session's input buffer in place, read the output in place. */
static void test_zero_copy_buffers(void) {
  aotc_session s;
  float *in;
  const float *out;
  float x[6], y_ref[6];
  const unsigned char *lo = (const unsigned char *)addrelu_model.static_arena;
  const unsigned char *hi = lo + addrelu_model.arena_size;
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, NULL, 0), AOTC_OK);
  in = (float *)aotc_input_buffer(&s, 0);
  out = (const float *)aotc_output_buffer(&s, 0);
  CHECK(in != NULL && out != NULL);
  if (!in || !out) return;
  CHECK((const unsigned char *)in >= lo && (const unsigned char *)(in + 6) <= hi);
  CHECK((const unsigned char *)out >= lo && (const unsigned char *)(out + 6) <= hi);
  CHECK((uintptr_t)in % addrelu_model.arena_alignment == 0);
  fill_inputs(x, 123);
  memcpy(in, x, sizeof x);
  reference(x, y_ref);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  CHECK(same_floats(out, y_ref, 6));
  /* set_input from the session's own buffer is allowed (no self-memcpy). */
  CHECK_STATUS(aotc_set_input(&s, 0, in, 24), AOTC_OK);
  CHECK(aotc_input_buffer(&s, 1) == NULL);
  CHECK(aotc_output_buffer(&s, 1) == NULL);
  CHECK(aotc_input_buffer(NULL, 0) == NULL);
  CHECK(aotc_output_buffer(NULL, 0) == NULL);
}

/* Sessions on caller arenas are independent of each other. */
static void test_caller_arenas(void) {
  size_t size = addrelu_model.arena_size, align = addrelu_model.arena_alignment;
  unsigned char *block1, *block2;
  unsigned char *arena1 = aligned_arena(size, align, &block1);
  unsigned char *arena2 = aligned_arena(size, align, &block2);
  aotc_session s1, s2;
  float x1[6], x2[6], y1[6], y2[6], r1[6], r2[6];
  CHECK(arena1 && arena2);
  if (!arena1 || !arena2) return;
  CHECK_STATUS(aotc_session_init(&s1, &addrelu_model, arena1, size), AOTC_OK);
  CHECK_STATUS(aotc_session_init(&s2, &addrelu_model, arena2, size + 7), AOTC_OK); /* bigger is fine */
  CHECK(aotc_input_buffer(&s1, 0) == (void *)(arena1 + addrelu_model.inputs[0].session_offset));
  fill_inputs(x1, 1);
  fill_inputs(x2, 2);
  reference(x1, r1);
  reference(x2, r2);
  CHECK(!same_floats(r1, r2, 6));
  CHECK_STATUS(aotc_set_input(&s1, 0, x1, sizeof x1), AOTC_OK);
  CHECK_STATUS(aotc_set_input(&s2, 0, x2, sizeof x2), AOTC_OK);
  CHECK_STATUS(aotc_run(&s2), AOTC_OK);
  CHECK_STATUS(aotc_run(&s1), AOTC_OK);
  CHECK_STATUS(aotc_get_output(&s1, 0, y1, sizeof y1), AOTC_OK);
  CHECK_STATUS(aotc_get_output(&s2, 0, y2, sizeof y2), AOTC_OK);
  CHECK(same_floats(y1, r1, 6));
  CHECK(same_floats(y2, r2, 6));
  free(block1);
  free(block2);
}

/* A static arena declared with the header's constants and AOTC_ALIGNED runs the model. */
static void test_declared_arena(void) {
  aotc_session s;
  float x[6], y[6], r[6];
  fill_inputs(x, 3);
  reference(x, r);
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, declared_arena, sizeof declared_arena), AOTC_OK);
  CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x), AOTC_OK);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  CHECK_STATUS(aotc_get_output(&s, 0, y, sizeof y), AOTC_OK);
  CHECK(same_floats(y, r, 6));
}

/* bind_input/bind_output: the model reads and writes caller memory directly
   (--io separate); a model with its I/O in the arena refuses. */
static void test_bind(void) {
  aotc_session s;
  float x[6], y[6], y_copy[6], y_ref[6];
  float *own_out;
  int i, untouched = 1;
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, NULL, 0), AOTC_OK);
  if (addrelu_model.io_in_arena) {
    void *in = aotc_input_buffer(&s, 0), *out = aotc_output_buffer(&s, 0);
    CHECK_STATUS(aotc_bind_input(&s, 0, x), AOTC_ERR_UNSUPPORTED);
    CHECK_STATUS(aotc_bind_output(&s, 0, y), AOTC_ERR_UNSUPPORTED);
    CHECK(aotc_input_buffer(&s, 0) == in && aotc_output_buffer(&s, 0) == out); /* unchanged */
    return;
  }
  own_out = (float *)aotc_output_buffer(&s, 0);
  for (i = 0; i < 6; ++i) own_out[i] = 777.0f;
  fill_inputs(x, 99);
  reference(x, y_ref);
  for (i = 0; i < 6; ++i) y[i] = -1.0f;
  CHECK_STATUS(aotc_bind_input(&s, 0, x), AOTC_OK);
  CHECK_STATUS(aotc_bind_output(&s, 0, y), AOTC_OK);
  CHECK(aotc_input_buffer(&s, 0) == (void *)x);
  CHECK(aotc_output_buffer(&s, 0) == (void *)y);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  CHECK(same_floats(y, y_ref, 6));
  for (i = 0; i < 6; ++i) untouched = untouched && own_out[i] == 777.0f;
  CHECK(untouched); /* the session's own output buffer was not written */
  CHECK_STATUS(aotc_get_output(&s, 0, y_copy, sizeof y_copy), AOTC_OK);
  CHECK(same_floats(y_copy, y_ref, 6));
  /* Changing the bound input changes the next result. */
  x[0] = 3.0f;
  reference(x, y_ref);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  CHECK(same_floats(y, y_ref, 6));
  /* A new init resets the pointers to the arena. */
  CHECK_STATUS(aotc_session_init(&s, &addrelu_model, NULL, 0), AOTC_OK);
  CHECK(aotc_output_buffer(&s, 0) == (void *)own_out);
}

static void test_errors(void) {
  const aotc_model *m = &addrelu_model;
  size_t size = m->arena_size, align = m->arena_alignment;
  unsigned char *block;
  unsigned char *arena = aligned_arena(size, align, &block);
  float x[6] = {0}, y[6];
  aotc_session s, zeroed;
  aotc_model copy;
  CHECK(arena != NULL);
  if (!arena) return;
  memset(&zeroed, 0, sizeof zeroed);

  /* session_init */
  CHECK_STATUS(aotc_session_init(NULL, m, NULL, 0), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_session_init(&s, NULL, NULL, 0), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_session_init(&s, m, arena, size - 1), AOTC_ERR_ARENA_TOO_SMALL);
  CHECK_STATUS(aotc_session_init(&s, m, arena, 0), AOTC_ERR_ARENA_TOO_SMALL);
  CHECK_STATUS(aotc_session_init(&s, m, arena + 1, size), AOTC_ERR_ARENA_MISALIGNED);
  CHECK_STATUS(aotc_session_init(&s, m, arena + align / 2, size), AOTC_ERR_ARENA_MISALIGNED);
  CHECK_STATUS(aotc_session_init(&s, m, arena, size), AOTC_OK);
  /* A size with a NULL arena makes no sense: the static arena's size is the model's. */
  CHECK_STATUS(aotc_session_init(&s, m, NULL, 1), AOTC_ERR_BAD_ARGUMENT);
  CHECK_STATUS(aotc_session_init(&s, m, NULL, size), AOTC_ERR_BAD_ARGUMENT);
  CHECK_STATUS(aotc_session_init(&s, m, NULL, (size_t)-1), AOTC_ERR_BAD_ARGUMENT);
  copy = *m;
  copy.static_arena = NULL;
  CHECK_STATUS(aotc_session_init(&s, &copy, NULL, 0), AOTC_ERR_NO_ARENA);
  CHECK_STATUS(aotc_session_init(&s, &copy, arena, size), AOTC_OK);
  copy = *m;
  copy.abi_version = AOTC_ABI_VERSION + 1u;
  CHECK_STATUS(aotc_session_init(&s, &copy, NULL, 0), AOTC_ERR_ABI_MISMATCH);

  CHECK_STATUS(aotc_session_init(&s, m, arena, size), AOTC_OK);
  /* set_input / get_output */
  CHECK_STATUS(aotc_set_input(&s, 1, x, sizeof x), AOTC_ERR_BAD_INDEX);
  CHECK_STATUS(aotc_set_input(&s, 0xffffffffu, x, sizeof x), AOTC_ERR_BAD_INDEX);
  CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x - 1), AOTC_ERR_SIZE_MISMATCH);
  CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x + 4), AOTC_ERR_SIZE_MISMATCH);
  CHECK_STATUS(aotc_set_input(&s, 0, x, 0), AOTC_ERR_SIZE_MISMATCH);
  CHECK_STATUS(aotc_set_input(&s, 0, NULL, sizeof x), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_set_input(NULL, 0, x, sizeof x), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_set_input(&zeroed, 0, x, sizeof x), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_get_output(&s, 1, y, sizeof y), AOTC_ERR_BAD_INDEX);
  CHECK_STATUS(aotc_get_output(&s, 0, y, sizeof y - 4), AOTC_ERR_SIZE_MISMATCH);
  CHECK_STATUS(aotc_get_output(&s, 0, NULL, sizeof y), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_get_output(NULL, 0, y, sizeof y), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_get_output(&zeroed, 0, y, sizeof y), AOTC_ERR_NULL_ARGUMENT);
  /* bind */
  CHECK_STATUS(aotc_bind_input(&s, 1, x), AOTC_ERR_BAD_INDEX);
  CHECK_STATUS(aotc_bind_input(&s, 0, NULL), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_bind_input(NULL, 0, x), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_bind_output(&s, 1, y), AOTC_ERR_BAD_INDEX);
  CHECK_STATUS(aotc_bind_output(&s, 0, NULL), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_bind_output(NULL, 0, y), AOTC_ERR_NULL_ARGUMENT);
  /* run */
  CHECK_STATUS(aotc_run(NULL), AOTC_ERR_NULL_ARGUMENT);
  CHECK_STATUS(aotc_run(&zeroed), AOTC_ERR_NULL_ARGUMENT);
  /* direct entry points: NULL tensors and scratch are refused, not dereferenced. */
  CHECK(addrelu_run(NULL, y) == AOTC_ERR_NULL_ARGUMENT);
  CHECK(addrelu_run(x, NULL) == AOTC_ERR_NULL_ARGUMENT);
  CHECK(addrelu_run(NULL, NULL) == AOTC_ERR_NULL_ARGUMENT);
  CHECK(addrelu_run_with_scratch(NULL, y, arena) == AOTC_ERR_NULL_ARGUMENT);
  CHECK(addrelu_run_with_scratch(x, NULL, arena) == AOTC_ERR_NULL_ARGUMENT);
  if (ADDRELU_SCRATCH_SIZE > 0) {
    CHECK(addrelu_run_with_scratch(x, y, NULL) == AOTC_ERR_NULL_ARGUMENT);
    CHECK(addrelu_run_with_scratch(x, y, arena + 1) == AOTC_ERR_ARENA_MISALIGNED);
  }
  CHECK(addrelu_run(x, y) == AOTC_OK);
  /* After all those rejected calls the session still works. */
  CHECK_STATUS(aotc_set_input(&s, 0, x, sizeof x), AOTC_OK);
  CHECK_STATUS(aotc_run(&s), AOTC_OK);
  free(block);
}

static void test_status_and_dtype_strings(void) {
  static const aotc_status all[] = {AOTC_OK,
                                    AOTC_ERR_NULL_ARGUMENT,
                                    AOTC_ERR_BAD_INDEX,
                                    AOTC_ERR_SIZE_MISMATCH,
                                    AOTC_ERR_ARENA_TOO_SMALL,
                                    AOTC_ERR_ARENA_MISALIGNED,
                                    AOTC_ERR_NOT_FOUND,
                                    AOTC_ERR_ABI_MISMATCH,
                                    AOTC_ERR_NO_ARENA,
                                    AOTC_ERR_BAD_ARGUMENT,
                                    AOTC_ERR_UNSUPPORTED};
  size_t n = sizeof all / sizeof all[0], i, j;
  for (i = 0; i < n; ++i) {
    const char *text = aotc_status_string(all[i]);
    CHECK(text != NULL && text[0] != '\0');
    CHECK(text != NULL && strcmp(text, "unknown status") != 0);
    for (j = 0; j < i; ++j) CHECK(strcmp(text, aotc_status_string(all[j])) != 0);
  }
  CHECK(strcmp(aotc_status_string(AOTC_OK), "ok") == 0);
  CHECK(strcmp(aotc_status_string((aotc_status)15), "unknown status") == 0);
  CHECK(aotc_dtype_size(AOTC_DTYPE_FLOAT32) == 4u);
  CHECK(aotc_dtype_size(AOTC_DTYPE_INT64) == 8u);
  CHECK(aotc_dtype_size(AOTC_DTYPE_FLOAT64) == 8u);
  CHECK(aotc_dtype_size(AOTC_DTYPE_FLOAT16) == 2u);
  CHECK(aotc_dtype_size(AOTC_DTYPE_BOOL) == 1u);
  CHECK(aotc_dtype_size(AOTC_DTYPE_UNDEFINED) == 0u);
  CHECK(aotc_dtype_size(8) == 0u); /* ONNX string: not a fixed-size type */
  CHECK(strcmp(aotc_dtype_name(AOTC_DTYPE_FLOAT32), "float32") == 0);
  CHECK(strcmp(aotc_dtype_name(AOTC_DTYPE_UINT8), "uint8") == 0);
  CHECK(strcmp(aotc_dtype_name(999), "undefined") == 0);
}

int main(void) {
  test_introspection();
  test_find();
  test_static_arena_copy();
  test_matches_w2();
  test_zero_copy_buffers();
  test_caller_arenas();
  test_declared_arena();
  test_bind();
  test_errors();
  test_status_and_dtype_strings();
  if (failures) {
    fprintf(stderr, "api_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("api_test: all checks passed\n");
  return 0;
}
