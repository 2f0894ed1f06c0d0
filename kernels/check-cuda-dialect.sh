#!/usr/bin/env bash
# Checks, without a GPU or the CUDA toolkit, that the CUDA dialect of the kernels (platform.h's __CUDACC_RTC__
# branch) is valid C++: a host C++ compiler parses spillover.cl with stand-ins for the NVRTC built-ins.
# It does not replace an NVRTC compile; the CUDA agreement tests do that on a machine with a GPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prelude=$(mktemp --suffix=.h)
trap 'rm -f "$prelude"' EXIT
cat > "$prelude" <<'PRELUDE'
#include <cstddef>
#include <cmath>
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
struct gpuinference_dim3 { unsigned int x, y, z; };
static gpuinference_dim3 threadIdx, blockIdx, blockDim, gridDim;
inline void __syncthreads() {}
inline int __popcll(unsigned long long v) { return __builtin_popcountll(v); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((unsigned long long)a * b) >> 32); }
inline double __longlong_as_double(long long v) { double d; __builtin_memcpy(&d, &v, 8); return d; }
inline double __dsqrt_rn(double x) { return std::sqrt(x); }
/* NVRTC has no C headers: a kernel that uses size_t must not pass for valid here either. */
#define size_t size_t_is_not_defined_under_nvrtc
inline unsigned int atomicXor(unsigned int* p, unsigned int v) { unsigned int old = *p; *p ^= v; return old; }
PRELUDE
"${CXX:-g++}" -std=c++14 -fsyntax-only -Wall -Wextra -Werror -D__CUDACC_RTC__ -DMAX_BATCH=64 -DBIJECTION_ROUNDS=24 \
  -DINT_SLOTS=14 -DREAL_SLOTS=4 -DREGRESSORS=4 -include "$prelude" -I "$here" -x c++ "$here/spillover.cl"
echo "CUDA dialect of kernels/spillover.cl parses as C++"
