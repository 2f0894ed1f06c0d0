using GpuInference.Kernels.Assignment;
using GpuInference.Kernels.Probes;
using GpuInference.Kernels.Random;
using GpuInference.Kernels.Sums;
using ILGPU;
using ILGPU.Runtime;

namespace GpuInference.Kernels;

/// <summary>
/// Every kernel of the batch pipeline, loaded once on one accelerator and returned as typed launchers. ILGPU
/// compiles each kernel on first load (to PTX for CUDA, to OpenCL C for OpenCL, to .NET code on the CPU
/// accelerator) and caches it in the process; loading them all up front makes a device that cannot compile one
/// fail at start-up, not in the middle of a run.
/// </summary>
public sealed class SpilloverKernels
{
    public SpilloverKernels(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Philox = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, int>(ProbeKernels.Philox);
        Bijection = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, BijectionShape, int>(ProbeKernels.Bijection);
        RoundKeys = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ulong, ulong>(AssignmentKernels.RoundKeys);
        Gather = accelerator.LoadStreamKernel<ArrayView<byte>, ArrayView<uint>, ArrayView<ulong>, BijectionShape, int, int>(AssignmentKernels.Gather);
        FillMajority = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ulong>, ulong, ulong>(AssignmentKernels.FillMajority);
        CorrectMinority = accelerator.LoadStreamKernel<ArrayView<uint>, ArrayView<byte>, ArrayView<uint>, ArrayView<uint>, BijectionShape, int>(
            AssignmentKernels.CorrectMinority);
        ChunkSums = accelerator.LoadStreamKernel<
            ArrayView<long>, ArrayView<uint>, ArrayView<ulong>, ArrayView<double>, ArrayView<int>, int, ulong, ArrayView<long>, ArrayView<double>>(
            ChunkSumKernels.ChunkSums);
        StratumSums = accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<long>, ArrayView<double>, ArrayView<int>, int, ArrayView<long>, ArrayView<double>>(ChunkSumKernels.StratumSums);
    }

    /// <summary><see cref="ProbeKernels.Philox"/>: extent = vectors.</summary>
    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, int> Philox { get; }

    /// <summary><see cref="ProbeKernels.Bijection"/>: extent = N.</summary>
    public Action<Index1D, ArrayView<uint>, ArrayView<uint>, BijectionShape, int> Bijection { get; }

    /// <summary><see cref="AssignmentKernels.RoundKeys"/>: extent = permutations; (keys, seed, first).</summary>
    public Action<Index1D, ArrayView<uint>, ulong, ulong> RoundKeys { get; }

    /// <summary><see cref="AssignmentKernels.Gather"/>: groups of <see cref="KernelLimits.NodeGroupSize"/> over the nodes; (cells, keys, words, shape, count, observed).</summary>
    public Action<KernelConfig, ArrayView<byte>, ArrayView<uint>, ArrayView<ulong>, BijectionShape, int, int> Gather { get; }

    /// <summary><see cref="AssignmentKernels.FillMajority"/>: extent = nodes; (words, banner, feed).</summary>
    public Action<Index1D, ArrayView<ulong>, ulong, ulong> FillMajority { get; }

    /// <summary><see cref="AssignmentKernels.CorrectMinority"/>: groups of <see cref="KernelLimits.NodeGroupSize"/> over the minority nodes.</summary>
    public Action<KernelConfig, ArrayView<uint>, ArrayView<byte>, ArrayView<uint>, ArrayView<uint>, BijectionShape, int> CorrectMinority { get; }

    /// <summary><see cref="ChunkSumKernels.ChunkSums"/>: one group of <see cref="KernelLimits.MaxBatch"/> per chunk.</summary>
    public Action<KernelConfig, ArrayView<long>, ArrayView<uint>, ArrayView<ulong>, ArrayView<double>, ArrayView<int>, int, ulong, ArrayView<long>, ArrayView<double>> ChunkSums { get; }

    /// <summary><see cref="ChunkSumKernels.StratumSums"/>: extent = strata × 18 slots × <see cref="KernelLimits.MaxBatch"/>.</summary>
    public Action<Index1D, ArrayView<long>, ArrayView<double>, ArrayView<int>, int, ArrayView<long>, ArrayView<double>> StratumSums { get; }
}
