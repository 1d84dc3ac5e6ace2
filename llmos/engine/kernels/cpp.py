"""C++ decode kernels, compiled lazily with torch's cpp_extension.

Decode of one token runs k experts x ~6 small ops; from Python each op costs several
microseconds of dispatch, which at batch 1 is a large share of the step.

- ``moe_q8``: int8 experts; the token is quantised once (blocks of 32, llama.cpp's Q8_0
  activation format), gate_up of all k experts runs in one parallel pass and down in a
  second, as int8 dot products (AVX-512 VNNI, AVX2 or scalar, whichever -march=native has).
- ``q8_linear``: the same dot product for small dense int8 linears at decode.
- ``moe_decode``: float experts; the loop over the k experts runs in C++.
- ``attn_block_q8``: one token's whole attention block with int8 q|k|v and o (norm, the
  projections, per-head q/k norm, RoPE, the cache write, attention, residual).
- ``moe_block_q8``: one token's whole MoE block with int8 experts (norm, router, softmax
  top-k or top-k softmax routing, the experts, residual).

The build is cached under ``$XDG_CACHE_HOME/llmos/kernels``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SOURCE = r"""
#include <torch/extension.h>
#include <ATen/Parallel.h>
#include <cmath>
#include <vector>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

// x [1, H]; inds [1, k] int64; weights [1, k] fp32; gate_up [E, 2I, H]; down [E, H, I].
// Scales are empty for float weights, else int8 per-row scales [E, 2I] / [E, H].
torch::Tensor moe_decode(torch::Tensor x, torch::Tensor inds, torch::Tensor weights,
                         torch::Tensor gate_up, torch::Tensor down,
                         torch::Tensor gate_up_scales, torch::Tensor down_scales) {
  const bool int8 = gate_up_scales.numel() > 0;
  const int64_t k = inds.size(1);
  const int64_t I = down.size(2);
  // _weight_int8pack_mm segfaults when K (H for gate_up, I for down) is not a multiple of 16
  TORCH_CHECK(!int8 || (x.size(1) % 16 == 0 && I % 16 == 0),
              "llmos moe_decode: int8 experts need hidden (", x.size(1), ") and intermediate (", I,
              ") divisible by 16");
  auto ids = inds.contiguous().cpu();
  auto w = weights.to(torch::kFloat).contiguous().cpu();
  const int64_t* id = ids.data_ptr<int64_t>();
  const float* wt = w.data_ptr<float>();
  auto out = torch::zeros_like(x);
  auto out_v = out.view({-1});
  auto xv = x.view({-1});
  // float weights: mv (a bf16 GEMV; at::mm with one row takes oneDNN's slower GEMM path)
  for (int64_t j = 0; j < k; ++j) {
    const int64_t e = id[j];
    torch::Tensor h = int8 ? at::_weight_int8pack_mm(x, gate_up[e], gate_up_scales[e]).view({-1})
                           : at::mv(gate_up[e], xv);
    auto act = at::silu(h.narrow(0, 0, I)).mul_(h.narrow(0, I, I));
    torch::Tensor y = int8 ? at::_weight_int8pack_mm(act.view({1, I}), down[e], down_scales[e])
                           : at::mv(down[e], act);
    out_v.add_(y.view({-1}), wt[j]);
  }
  return out;
}

// ---- int8 weights x int8 activations (like llama.cpp's Q8_0 x Q8_0 dot) --------------------
// An activation row is quantised once per call in blocks of 32 (d = max|x| / 127); a weight
// row is int8 with one fp32 scale. dot = scale_row * sum_b d_b * sum_{i in b} q_i * w_i, the
// inner sums exact in int32. Reading int8 weights once at full bandwidth is the whole game.

constexpr int64_t QK = 32;
constexpr int64_t PREFETCH = 1024;  // bytes ahead in each weight row being read (512: 18, 1024: 19-21 GB/s cold)

struct QRow {
  std::vector<int8_t> q;    // K
  std::vector<float> d;     // K / 32
  std::vector<uint8_t> a;   // |q|: the unsigned side of a u8 x s8 product
  std::vector<float> dv;    // per 64 values, 16 lanes of scales: d[2c] x 8, d[2c + 1] x 8
};

static void quantize_row(const float* x, int64_t K, QRow& r) {
  r.q.resize(K);
  r.a.resize(K);
  r.d.resize(K / QK);
  for (int64_t b = 0; b < K / QK; ++b) {
    float amax = 0.f;
    for (int64_t i = 0; i < QK; ++i) amax = std::max(amax, std::fabs(x[b * QK + i]));
    const float d = amax / 127.f, inv = d > 0.f ? 1.f / d : 0.f;
    r.d[b] = d;
    for (int64_t i = 0; i < QK; ++i) {
      const int8_t v = (int8_t)std::nearbyint(x[b * QK + i] * inv);
      r.q[b * QK + i] = v;
      r.a[b * QK + i] = (uint8_t)(v < 0 ? -v : v);
    }
  }
  r.dv.assign((K / 64) * 16, 0.f);
  for (int64_t c = 0; c < K / 64; ++c)
    for (int l = 0; l < 16; ++l) r.dv[c * 16 + l] = r.d[2 * c + l / 8];
}

// R weight rows (each K int8) against one quantised activation row: out[r] = dot(w[r], a).
// Several rows at once read R streams in parallel and share the activation's registers.
template <int R>
static inline void dot_q8(const int8_t* const* w, const QRow& a, int64_t K, float* out) {
  const int8_t* q = a.q.data();
  const float* d = a.d.data();
  int64_t k = 0;
  float sum[R] = {};
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
  __m512 acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();
  for (; k + 64 <= K; k += 64) {
    const __m512i xv = _mm512_loadu_si512(q + k);
    const __m512i ax = _mm512_loadu_si512(a.a.data() + k);
    const __mmask64 neg = _mm512_movepi8_mask(xv);
    const __m512 sc = _mm512_loadu_ps(a.dv.data() + (k / 64) * 16);
    for (int r = 0; r < R; ++r) {
      _mm_prefetch((const char*)(w[r] + k + PREFETCH), _MM_HINT_T0);
      const __m512i wv = _mm512_loadu_si512(w[r] + k);
      // u8 x s8 products: |x| against w with x's sign moved onto w
      const __m512i sw = _mm512_mask_sub_epi8(wv, neg, _mm512_setzero_si512(), wv);
      const __m512i dp = _mm512_dpbusd_epi32(_mm512_setzero_si512(), ax, sw);
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dp), sc, acc[r]);
    }
  }
  for (int r = 0; r < R; ++r) sum[r] = _mm512_reduce_add_ps(acc[r]);
#endif
#if defined(__AVX2__)
  const __m256i ones = _mm256_set1_epi16(1);
  for (; k + 32 <= K; k += 32) {
    const __m256i xv = _mm256_loadu_si256((const __m256i*)(q + k));
    const __m256i ax = _mm256_sign_epi8(xv, xv);
    const float dk = d[k / QK];
    for (int r = 0; r < R; ++r) {
      const __m256i wv = _mm256_loadu_si256((const __m256i*)(w[r] + k));
      const __m256i p32 = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(wv, xv)), ones);
      const __m256 p = _mm256_cvtepi32_ps(p32);
      const __m128 h = _mm_add_ps(_mm256_castps256_ps128(p), _mm256_extractf128_ps(p, 1));
      const __m128 h2 = _mm_add_ps(h, _mm_movehl_ps(h, h));
      sum[r] += dk * _mm_cvtss_f32(_mm_add_ss(h2, _mm_shuffle_ps(h2, h2, 1)));
    }
  }
#endif
  for (; k < K; k += QK)
    for (int r = 0; r < R; ++r) {
      int32_t s = 0;
      for (int64_t i = 0; i < QK; ++i) s += (int32_t)q[k + i] * (int32_t)w[r][k + i];
      sum[r] += d[k / QK] * (float)s;
    }
  for (int r = 0; r < R; ++r) out[r] = sum[r];
}

// rows [b, e) of an int8 matrix (row n at base + row(n) * K) against one activation row
template <typename RowOf, typename Store>
static inline void dot_rows(const int8_t* base, RowOf row, int64_t b, int64_t e, const QRow& a, int64_t K,
                            Store store) {
  constexpr int R = 4;
  int64_t n = b;
  for (; n + R <= e; n += R) {
    const int8_t* w[R];
    float out[R];
    for (int r = 0; r < R; ++r) w[r] = base + row(n + r) * K;
    dot_q8<R>(w, a, K, out);
    for (int r = 0; r < R; ++r) store(n + r, out[r]);
  }
  for (; n < e; ++n) {
    const int8_t* w[1] = {base + row(n) * K};
    float out[1];
    dot_q8<1>(w, a, K, out);
    store(n, out[0]);
  }
}

static void check_q8(const torch::Tensor& q, const torch::Tensor& s, int64_t K, const char* what) {
  TORCH_CHECK(q.scalar_type() == torch::kInt8 && q.is_contiguous(), "llmos ", what, ": weights must be contiguous int8");
  TORCH_CHECK(s.scalar_type() == torch::kFloat && s.is_contiguous(), "llmos ", what, ": scales must be contiguous fp32");
  TORCH_CHECK(K % QK == 0, "llmos ", what, ": reduction length ", K, " is not a multiple of 32");
}

// x [M, K] (any float dtype) @ (q [N, K] int8 * s [N]).T -> [M, N] in x's dtype
torch::Tensor q8_linear(torch::Tensor x, torch::Tensor q, torch::Tensor s) {
  const int64_t M = x.size(0), K = x.size(1), N = q.size(0);
  check_q8(q, s, K, "q8_linear");
  TORCH_CHECK(q.size(1) == K && s.size(0) == N, "llmos q8_linear: shapes do not match");
  auto xf = x.to(torch::kFloat).contiguous();
  auto y = torch::empty({M, N}, torch::kFloat);
  std::vector<QRow> rows(M);
  for (int64_t m = 0; m < M; ++m) quantize_row(xf.data_ptr<float>() + m * K, K, rows[m]);
  const int8_t* W = q.data_ptr<int8_t>();
  const float* S = s.data_ptr<float>();
  float* Y = y.data_ptr<float>();
  const int64_t grain = std::max<int64_t>(16, N / (4 * at::get_num_threads()));
  at::parallel_for(0, N, grain, [&](int64_t b, int64_t e) {
    for (int64_t m = 0; m < M; ++m)
      dot_rows(W, [](int64_t n) { return n; }, b, e, rows[m], K,
               [&](int64_t n, float v) { Y[m * N + n] = S[n] * v; });
  });
  return y.to(x.scalar_type());
}

// One token through its k routed experts, all in one call: gate_up for every chosen expert in
// one parallel pass, SwiGLU, then down for every output row summed over the experts.
// x [H] fp32; id / wt [k]; gate_up [E, 2I, H] int8; down [E, H, I] int8; scales fp32 [E, 2I] / [E, H].
static void experts_q8(const float* x, int64_t H, const int64_t* id, const float* wt, int64_t k,
                       const torch::Tensor& gate_up, const torch::Tensor& gate_up_scales,
                       const torch::Tensor& down, const torch::Tensor& down_scales, float* Y) {
  const int64_t E = gate_up.size(0), I2 = gate_up.size(1), I = I2 / 2;
  check_q8(gate_up, gate_up_scales, H, "moe gate_up");
  check_q8(down, down_scales, I, "moe down");
  TORCH_CHECK(gate_up.size(2) == H && down.size(0) == E && down.size(1) == H && down.size(2) == I,
              "llmos moe: expert shapes do not match");
  for (int64_t j = 0; j < k; ++j) TORCH_CHECK(id[j] >= 0 && id[j] < E, "llmos moe: expert id out of range");
  QRow xq;
  quantize_row(x, H, xq);

  const int8_t* GU = gate_up.data_ptr<int8_t>();
  const float* GS = gate_up_scales.data_ptr<float>();
  std::vector<float> h(k * I2);
  at::parallel_for(0, k * I2, std::max<int64_t>(16, k * I2 / (4 * at::get_num_threads())), [&](int64_t b, int64_t e) {
    auto row = [&](int64_t r) { return id[r / I2] * I2 + r % I2; };
    dot_rows(GU, row, b, e, xq, H, [&](int64_t r, float v) { h[r] = GS[row(r)] * v; });
  });

  std::vector<QRow> act(k);
  std::vector<float> a(I);
  for (int64_t j = 0; j < k; ++j) {
    const float* g = h.data() + j * I2;
    for (int64_t i = 0; i < I; ++i) a[i] = g[i] / (1.f + std::exp(-g[i])) * g[I + i];
    quantize_row(a.data(), I, act[j]);
  }

  const int8_t* D = down.data_ptr<int8_t>();
  const float* DS = down_scales.data_ptr<float>();
  at::parallel_for(0, H, std::max<int64_t>(16, H / (4 * at::get_num_threads())), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) Y[n] = 0.f;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t first = id[j] * H;
      dot_rows(D, [&](int64_t n) { return first + n; }, b, e, act[j], I,
               [&](int64_t n, float v) { Y[n] += wt[j] * DS[first + n] * v; });
    }
  });
}

// x [1, H]; inds [1, k]; weights [1, k] -> [1, H] in x's dtype
torch::Tensor moe_q8(torch::Tensor x, torch::Tensor inds, torch::Tensor weights,
                     torch::Tensor gate_up, torch::Tensor gate_up_scales,
                     torch::Tensor down, torch::Tensor down_scales) {
  const int64_t H = x.size(1);
  TORCH_CHECK(x.size(0) == 1, "llmos moe_q8: one token at a time");
  auto ids = inds.to(torch::kLong).contiguous();
  auto wts = weights.to(torch::kFloat).contiguous();
  auto xf = x.to(torch::kFloat).contiguous();
  auto y = torch::empty({1, H}, torch::kFloat);
  experts_q8(xf.data_ptr<float>(), H, ids.data_ptr<int64_t>(), wts.data_ptr<float>(), ids.numel(),
             gate_up, gate_up_scales, down, down_scales, y.data_ptr<float>());
  return y.to(x.scalar_type());
}

// ---- one token's attention block ------------------------------------------------------------
// x + mult * o(attention(rope(qk_norm(qkv(rms_norm(x)))))) for one token at position pos, with
// int8 q|k|v and o weights, in one call: at decode every dispatched torch op costs microseconds,
// and this block was ~25 of them per layer. The new key and value are written into the cache.
// x [1, H]; norm_w [H] fp32; qkv [(h + 2kv) d, H] int8 + fp32 scales, bias [(h + 2kv) d] fp32 or
// empty; q_norm / k_norm [d] fp32 or empty (per-head RMSNorm, Qwen3); cos / sin: d values of any
// float dtype (RoPE, halves rotated, not interleaved); keys / values [kv, S, d] in fp32 or bf16;
// o [H, h d] int8.

template <typename T>
static void attend(const float* q, const T* K, const T* V, int64_t n, int64_t d, float scale, float* out) {
  std::vector<float> p(n);
  float best = -INFINITY;
  for (int64_t t = 0; t < n; ++t) {
    const T* k = K + t * d;
    float s = 0.f;
    for (int64_t i = 0; i < d; ++i) s += q[i] * (float)k[i];
    p[t] = s * scale;
    best = std::max(best, p[t]);
  }
  float total = 0.f;
  for (int64_t t = 0; t < n; ++t) total += (p[t] = std::exp(p[t] - best));
  for (int64_t i = 0; i < d; ++i) out[i] = 0.f;
  for (int64_t t = 0; t < n; ++t) {
    const T* v = V + t * d;
    const float w = p[t] / total;
    for (int64_t i = 0; i < d; ++i) out[i] += w * (float)v[i];
  }
}

static void rms_norm_into(const float* x, const float* w, int64_t n, float eps, float* out) {
  double ss = 0.0;
  for (int64_t i = 0; i < n; ++i) ss += (double)x[i] * x[i];
  const float r = 1.f / std::sqrt((float)(ss / n) + eps);
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * r * (w ? w[i] : 1.f);
}

static void linear_q8(const QRow& a, const torch::Tensor& q, const torch::Tensor& s, const torch::Tensor& b,
                      float* y) {
  const int64_t N = q.size(0), K = q.size(1);
  const int8_t* W = q.data_ptr<int8_t>();
  const float* S = s.data_ptr<float>();
  const float* B = b.numel() ? b.data_ptr<float>() : nullptr;
  at::parallel_for(0, N, std::max<int64_t>(16, N / (4 * at::get_num_threads())), [&](int64_t lo, int64_t hi) {
    dot_rows(W, [](int64_t n) { return n; }, lo, hi, a, K,
             [&](int64_t n, float v) { y[n] = S[n] * v + (B ? B[n] : 0.f); });
  });
}

torch::Tensor attn_block_q8(torch::Tensor x, torch::Tensor norm_w, double eps,
                            torch::Tensor qkv, torch::Tensor qkv_s, torch::Tensor qkv_b,
                            torch::Tensor q_norm, torch::Tensor k_norm, double qk_eps,
                            torch::Tensor cos, torch::Tensor sin,
                            torch::Tensor keys, torch::Tensor values, int64_t pos,
                            torch::Tensor o, torch::Tensor o_s, torch::Tensor o_b,
                            int64_t heads, int64_t kv_heads, double scale, double mult) {
  const int64_t H = x.size(-1), d = keys.size(2), S = keys.size(1);
  const int64_t nq = heads * d, nkv = kv_heads * d;
  check_q8(qkv, qkv_s, H, "attn_block_q8 qkv");
  check_q8(o, o_s, nq, "attn_block_q8 o");
  TORCH_CHECK(x.numel() == H && qkv.size(0) == nq + 2 * nkv && o.size(0) == H && heads % kv_heads == 0 &&
              keys.size(0) == kv_heads && keys.sizes() == values.sizes() && keys.is_contiguous() &&
              values.is_contiguous() && keys.scalar_type() == values.scalar_type() && cos.numel() == d &&
              sin.numel() == d && d % 2 == 0 && norm_w.numel() == H, "llmos attn_block_q8: shapes do not match");
  TORCH_CHECK(pos >= 0 && pos < S, "llmos attn_block_q8: position ", pos, " outside the cache's ", S);
  auto xf = x.to(torch::kFloat).contiguous();
  const float* X = xf.data_ptr<float>();

  std::vector<float> h(H);
  rms_norm_into(X, norm_w.data_ptr<float>(), H, (float)eps, h.data());
  QRow hq;
  quantize_row(h.data(), H, hq);
  std::vector<float> y(nq + 2 * nkv);
  linear_q8(hq, qkv, qkv_s, qkv_b, y.data());

  // per-head q/k norm, then RoPE on q and k: x * cos + rotate_half(x) * sin
  auto cf = cos.to(torch::kFloat).contiguous(), sf = sin.to(torch::kFloat).contiguous();
  const float* C = cf.data_ptr<float>();
  const float* Sn = sf.data_ptr<float>();
  const float* QN = q_norm.numel() ? q_norm.data_ptr<float>() : nullptr;
  const float* KN = k_norm.numel() ? k_norm.data_ptr<float>() : nullptr;
  std::vector<float> tmp(d);
  for (int64_t hh = 0; hh < heads + kv_heads; ++hh) {
    float* v = y.data() + hh * d;
    const float* w = hh < heads ? QN : KN;
    if (w) rms_norm_into(v, w, d, (float)qk_eps, v);
    const int64_t half = d / 2;
    for (int64_t i = 0; i < d; ++i) tmp[i] = v[i] * C[i] + (i < half ? -v[i + half] : v[i - half]) * Sn[i];
    std::copy(tmp.begin(), tmp.end(), v);
  }
  std::vector<float> att(nq);
  const int64_t group = heads / kv_heads;
  const float sc = (float)scale;
  AT_DISPATCH_FLOATING_TYPES_AND(at::ScalarType::BFloat16, keys.scalar_type(), "attn_block_q8", [&] {
    scalar_t* K = keys.data_ptr<scalar_t>();
    scalar_t* V = values.data_ptr<scalar_t>();
    for (int64_t g = 0; g < kv_heads; ++g)
      for (int64_t i = 0; i < d; ++i) {
        K[(g * S + pos) * d + i] = (scalar_t)y[nq + g * d + i];
        V[(g * S + pos) * d + i] = (scalar_t)y[nq + nkv + g * d + i];
      }
    at::parallel_for(0, heads, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t hh = lo; hh < hi; ++hh) {
        const int64_t g = hh / group;
        attend<scalar_t>(y.data() + hh * d, K + g * S * d, V + g * S * d, pos + 1, d, sc, att.data() + hh * d);
      }
    });
  });

  QRow aq;
  quantize_row(att.data(), nq, aq);
  std::vector<float> out(H);
  linear_q8(aq, o, o_s, o_b, out.data());
  auto r = torch::empty({1, H}, torch::kFloat);
  float* R = r.data_ptr<float>();
  for (int64_t i = 0; i < H; ++i) R[i] = X[i] + (float)mult * out[i];
  return r.to(x.scalar_type()).view(x.sizes());
}

// ---- one token's MoE block -------------------------------------------------------------------
// x + mult * experts(route(router(rms_norm(x)))) with int8 experts, in one call. The normalised
// token is rounded to x's dtype as the torch path rounds it, so routing sees the same input.
// router [E, H] fp32; mode 0: softmax over all experts then the top k (renormalised when asked:
// Qwen, Mixtral, OLMoE); mode 1: the top k logits then a softmax over them (Granite).
torch::Tensor moe_block_q8(torch::Tensor x, torch::Tensor norm_w, double eps, torch::Tensor router,
                           int64_t k, int64_t mode, bool renorm,
                           torch::Tensor gate_up, torch::Tensor gate_up_scales,
                           torch::Tensor down, torch::Tensor down_scales, double mult) {
  const int64_t H = x.size(-1), E = router.size(0);
  TORCH_CHECK(x.numel() == H && norm_w.numel() == H && router.size(1) == H && router.is_contiguous() &&
              router.scalar_type() == torch::kFloat && k >= 1 && k <= E && (mode == 0 || mode == 1),
              "llmos moe_block_q8: shapes do not match");
  auto xf = x.to(torch::kFloat).contiguous();
  const float* X = xf.data_ptr<float>();
  std::vector<float> h(H);
  rms_norm_into(X, nullptr, H, (float)eps, h.data());
  const float* W = norm_w.data_ptr<float>();
  const bool bf16 = x.scalar_type() == torch::kBFloat16;
  for (int64_t i = 0; i < H; ++i) {
    if (bf16) h[i] = (float)(c10::BFloat16)((float)(c10::BFloat16)h[i] * W[i]);
    else h[i] *= W[i];
  }
  std::vector<float> logit(E);
  const float* R = router.data_ptr<float>();
  for (int64_t e = 0; e < E; ++e) {
    float s = 0.f;
    for (int64_t i = 0; i < H; ++i) s += R[e * H + i] * h[i];
    logit[e] = s;
  }
  std::vector<int64_t> order(E);
  for (int64_t e = 0; e < E; ++e) order[e] = e;
  // ties go to the lower index, as torch.topk's do on CPU
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return logit[a] > logit[b]; });
  std::vector<int64_t> id(order.begin(), order.begin() + k);
  std::vector<float> wt(k);
  const float top = logit[order[0]];
  if (mode == 0) {
    float total = 0.f;
    for (int64_t e = 0; e < E; ++e) total += std::exp(logit[e] - top);
    float kept = 0.f;
    for (int64_t j = 0; j < k; ++j) kept += (wt[j] = std::exp(logit[id[j]] - top) / total);
    if (renorm) for (int64_t j = 0; j < k; ++j) wt[j] /= kept;
  } else {
    float total = 0.f;
    for (int64_t j = 0; j < k; ++j) total += (wt[j] = std::exp(logit[id[j]] - top));
    for (int64_t j = 0; j < k; ++j) wt[j] /= total;
  }
  std::vector<float> y(H);
  experts_q8(h.data(), H, id.data(), wt.data(), k, gate_up, gate_up_scales, down, down_scales, y.data());
  auto r = torch::empty({1, H}, torch::kFloat);
  float* O = r.data_ptr<float>();
  for (int64_t i = 0; i < H; ++i) O[i] = X[i] + (float)mult * (bf16 ? (float)(c10::BFloat16)y[i] : y[i]);
  return r.to(x.scalar_type()).view(x.sizes());
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("moe_decode", &moe_decode, "k routed experts for one token");
  m.def("q8_linear", &q8_linear, "int8 weights x int8-quantised activations, few rows");
  m.def("moe_q8", &moe_q8, "k routed int8 experts for one token in one call");
  m.def("attn_block_q8", &attn_block_q8, "one token's int8 attention block, norm to residual, in one call");
  m.def("moe_block_q8", &moe_block_q8, "one token's int8 MoE block, norm and routing to residual, in one call");
}
"""


def build_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "llmos" / "kernels"


FLAGS = "-O3 -march=native -fopenmp"


def module_name() -> str:
    import torch
    digest = hashlib.sha256((SOURCE + FLAGS + torch.__version__).encode()).hexdigest()[:12]
    return f"llmos_moe_{digest}"


def is_built() -> bool:
    return (build_dir() / module_name() / f"{module_name()}.so").exists()


def load(verbose: bool = False):
    """Compile (first time, ~1 minute) or load the cached extension module."""
    from torch.utils import cpp_extension
    directory = build_dir() / module_name()
    directory.mkdir(parents=True, exist_ok=True)
    # -fopenmp: at::parallel_for is a header template that runs on one thread unless the
    # extension itself is compiled with OpenMP; it then uses the libgomp torch already loaded
    return cpp_extension.load_inline(name=module_name(), cpp_sources=[SOURCE], build_directory=str(directory),
                                     extra_cflags=FLAGS.split(),
                                     extra_ldflags=["-fopenmp"], verbose=verbose)
