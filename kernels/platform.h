/*
 * platform.h: the one place where CUDA C++ (NVRTC) and OpenCL C differ.
 *
 * Every other kernel file is written in the common subset of both dialects and uses only the names defined here:
 *   KERNEL, DEVICE_FN     kernel entry points and helper functions
 *   GLOBAL, LOCAL, CONSTANT  address spaces (LOCAL declares a work-group array)
 *   LOCAL_PTR             a pointer parameter into such an array (CUDA has no shared-memory pointer qualifier)
 *   u8, u32, u64, i64     fixed-width integers
 *   get_global_id & co.   OpenCL work-item functions (re-created for CUDA, returning u64)
 *   BARRIER_LOCAL()       work-group barrier
 *   POPCOUNT64, MUL_HI_U32, AS_DOUBLE, SQRT_F64
 *   ATOMIC_XOR_U32(p, v)  atomic *p ^= v on a 32-bit global word (core in OpenCL 1.1 and CUDA alike)
 *
 * Kernels index with u64, never size_t: OpenCL has size_t built in, but NVRTC compiles without the C headers,
 * so the CUDA side neither relies on it nor defines it.
 *
 * Floating-point contraction is disabled in both dialects (here for OpenCL, by --fmad=false for NVRTC), so that
 * a*b+c is two roundings as in the C# reference and results agree bit for bit.
 */
#ifndef GPUINFERENCE_PLATFORM_H
#define GPUINFERENCE_PLATFORM_H

#if defined(__CUDACC_RTC__) || defined(__CUDACC__)

#define IS_CUDA 1

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

#define KERNEL extern "C" __global__
#define DEVICE_FN static __device__ __forceinline__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
#define CONSTANT

DEVICE_FN u64 get_local_id(u32 dim) { return dim == 0 ? threadIdx.x : dim == 1 ? threadIdx.y : threadIdx.z; }
DEVICE_FN u64 get_local_size(u32 dim) { return dim == 0 ? blockDim.x : dim == 1 ? blockDim.y : blockDim.z; }
DEVICE_FN u64 get_group_id(u32 dim) { return dim == 0 ? blockIdx.x : dim == 1 ? blockIdx.y : blockIdx.z; }
DEVICE_FN u64 get_num_groups(u32 dim) { return dim == 0 ? gridDim.x : dim == 1 ? gridDim.y : gridDim.z; }
DEVICE_FN u64 get_global_id(u32 dim) { return get_group_id(dim) * get_local_size(dim) + get_local_id(dim); }
DEVICE_FN u64 get_global_size(u32 dim) { return get_num_groups(dim) * get_local_size(dim); }

#define BARRIER_LOCAL() __syncthreads()
#define POPCOUNT64(x) ((u32)__popcll(x))
#define MUL_HI_U32(a, b) __umulhi((a), (b))
#define AS_DOUBLE(bits) __longlong_as_double((long long)(bits))
#define SQRT_F64(x) __dsqrt_rn(x)
#define ATOMIC_XOR_U32(p, v) atomicXor((p), (v))

#else /* OpenCL C */

#define IS_OPENCL 1

#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF

typedef uchar u8;
typedef uint u32;
typedef ulong u64;
typedef long i64;

#define KERNEL __kernel
#define DEVICE_FN static inline
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define CONSTANT __constant

#define BARRIER_LOCAL() barrier(CLK_LOCAL_MEM_FENCE)
#define POPCOUNT64(x) ((u32)popcount(x))
#define MUL_HI_U32(a, b) mul_hi((u32)(a), (u32)(b))
#define AS_DOUBLE(bits) as_double((u64)(bits))
/* OpenCL requires a correctly rounded double sqrt, as IEEE 754 and Math.Sqrt do. */
#define SQRT_F64(x) sqrt(x)
#define ATOMIC_XOR_U32(p, v) atomic_xor((volatile GLOBAL u32*)(p), (v))

#endif

#endif /* GPUINFERENCE_PLATFORM_H */
