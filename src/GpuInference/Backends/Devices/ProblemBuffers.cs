using GpuInference.Design;
using GpuInference.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuInference.Backends.Devices;

/// <summary>
/// A problem on one accelerator: the arrays uploaded once (CSR graph, cells, outcome, chunk and stratum bounds,
/// minority nodes) and the work buffers one batch reuses (round keys, assignment words, chunk and stratum sums).
/// Every buffer holds at least one element, so that a view of it is never empty.
/// </summary>
internal sealed class ProblemBuffers : IDisposable
{
    private readonly List<MemoryBuffer> _owned = [];

    public ProblemBuffers(Accelerator accelerator, DeviceProblem layout)
    {
        SpilloverProblem problem = layout.Problem;
        try
        {
            RowOffsets = Upload(accelerator, problem.RowOffsets);
            Neighbors = Upload(accelerator, problem.Neighbors).Cast<uint>();
            Cells = Upload(accelerator, layout.CellBytes());
            Outcome = Upload(accelerator, problem.Outcome);
            ChunkStart = Upload(accelerator, problem.ChunkStart);
            StratumFirstChunk = Upload(accelerator, problem.StratumFirstChunk);
            MinorityNodes = Upload(accelerator, layout.Corrects ? problem.Minority.Nodes : []);
            MinorityFlips = Upload(accelerator, layout.Corrects ? problem.Minority.Flips : []);
            Keys = Allocate<uint>(accelerator, KernelLimits.MaxBatch * KernelLimits.BijectionRounds);
            Words = Allocate<ulong>(accelerator, layout.WordCount);
            PartialInt = Allocate<long>(accelerator, layout.PartialIntCount);
            PartialReal = Allocate<double>(accelerator, layout.PartialRealCount);
            StratumInt = Allocate<long>(accelerator, layout.StratumIntCount);
            StratumReal = Allocate<double>(accelerator, layout.StratumRealCount);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ArrayView<long> RowOffsets { get; }
    public ArrayView<uint> Neighbors { get; }
    public ArrayView<byte> Cells { get; }
    public ArrayView<double> Outcome { get; }
    public ArrayView<int> ChunkStart { get; }
    public ArrayView<int> StratumFirstChunk { get; }
    public ArrayView<uint> MinorityNodes { get; }
    public ArrayView<byte> MinorityFlips { get; }
    public ArrayView<uint> Keys { get; }
    public ArrayView<ulong> Words { get; }
    public ArrayView<long> PartialInt { get; }
    public ArrayView<double> PartialReal { get; }
    public ArrayView<long> StratumInt { get; }
    public ArrayView<double> StratumReal { get; }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }

    private ArrayView<T> Upload<T>(Accelerator accelerator, T[] data) where T : unmanaged
    {
        ArrayView<T> view = Allocate<T>(accelerator, data.LongLength);
        if (data.Length > 0) view.SubView(0, data.LongLength).CopyFromCPU(data);
        return data.Length > 0 ? view.SubView(0, data.LongLength) : view;
    }

    private ArrayView<T> Allocate<T>(Accelerator accelerator, long length) where T : unmanaged
    {
        MemoryBuffer1D<T, Stride1D.Dense> buffer = accelerator.Allocate1D<T>(Math.Max(1, length));
        _owned.Add(buffer);
        return buffer.View;
    }
}
