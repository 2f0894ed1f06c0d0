using System.Runtime.InteropServices;
using GpuInference.Backends;
using GpuInference.Design;
using GpuInference.Gpu.Kernels;
using GpuInference.Inference;
using GpuInference.Random;

namespace GpuInference.Gpu.Common;

/// <summary>
/// A <see cref="SpilloverProblem"/> as the kernels take it: the arrays uploaded once at Create, the batch-sized
/// work buffers, their sizes, and the launch geometry. Shared by the OpenCL and CUDA backends so both allocate and
/// launch the same way.
/// </summary>
internal sealed class DeviceProblem
{
    /// <param name="problem">The problem to lay out.</param>
    /// <param name="corrects">Whether batches correct the majority assignment (then the minority nodes are uploaded too).</param>
    public DeviceProblem(SpilloverProblem problem, bool corrects = false)
    {
        Problem = problem;
        Corrects = corrects;
        MinorityCount = corrects ? (uint)problem.Minority.Nodes.Length : 0;
        int bits = PermutationBijection.CipherBits((ulong)problem.NodeCount);
        LeftBits = (uint)(bits / 2);
        RightBits = (uint)(bits - bits / 2);
        StratumSize = new double[problem.StratumCount];
        for (int s = 0; s < problem.StratumCount; s++) StratumSize[s] = problem.StratumSize(s);
    }

    public SpilloverProblem Problem { get; }

    /// <summary>
    /// The layout of <paramref name="problem"/>, or <see cref="Backends.BackendUnavailableException"/> when it does not fit
    /// <paramref name="memory"/> bytes of device memory or one buffer exceeds <paramref name="maxAllocation"/>.
    /// </summary>
    /// <remarks>
    /// Correction (see <see cref="AssignmentMethod"/>) flips single bits of 64-bit words through their 32-bit halves,
    /// which is bit p % 32 of half p / 32 only on a little-endian device; a big-endian one gathers.
    /// </remarks>
    public static DeviceProblem Fit(
        SpilloverProblem problem, AssignmentMethod method, bool littleEndian, string device, long memory, long maxAllocation = long.MaxValue)
    {
        var layout = new DeviceProblem(problem, method.Corrects(problem) && littleEndian);
        if (layout.TotalDeviceBytes > memory)
            throw new Backends.BackendUnavailableException($"{device}: the problem needs {layout.TotalDeviceBytes >> 20} MiB, the device has {memory >> 20} MiB");
        if (layout.LargestBufferBytes > maxAllocation)
            throw new Backends.BackendUnavailableException($"{device}: a {layout.LargestBufferBytes >> 20} MiB buffer exceeds the device's largest allocation ({maxAllocation >> 20} MiB)");
        return layout;
    }

    /// <summary>Bits of the left half of the Feistel cipher (see PermutationBijection).</summary>
    public uint LeftBits { get; }

    /// <summary>Bits of the right half of the Feistel cipher.</summary>
    public uint RightBits { get; }

    /// <summary>Whether batches fill the majority cell and correct the minority nodes' positions, rather than gather.</summary>
    public bool Corrects { get; }

    /// <summary>Nodes outside the majority cell when correcting; 0 otherwise.</summary>
    public uint MinorityCount { get; }

    /// <summary>The majority cell's banner and feed words for a batch of <paramref name="count"/>: all ones in bits below count, or 0.</summary>
    public (ulong Banner, ulong Feed) MajorityWords(int count)
    {
        ulong mask = count >= 64 ? ulong.MaxValue : (1UL << count) - 1;
        TreatmentCell majority = Problem.Minority.Majority;
        return ((majority & TreatmentCell.Banner) != 0 ? mask : 0, (majority & TreatmentCell.Feed) != 0 ? mask : 0);
    }

    /// <summary>Units per stratum, as the solve divides by them.</summary>
    public double[] StratumSize { get; }

    public uint NodeCount => (uint)Problem.NodeCount;

    public uint ChunkCount => (uint)Problem.ChunkCount;

    public uint StratumCount => (uint)Problem.StratumCount;

    /// <summary>The cells as bytes (bit 0 banner, bit 1 feed).</summary>
    public ReadOnlySpan<byte> CellBytes => MemoryMarshal.AsBytes(Problem.Cells.AsSpan());

    // Sizes in bytes of every device buffer. OpenCL refuses empty buffers, so each is at least 8 bytes.
    public long RowOffsetBytes => Bytes(Problem.RowOffsets.LongLength, sizeof(long));

    public long NeighborBytes => Bytes(Problem.Neighbors.LongLength, sizeof(int));

    public long CellBytesLength => Bytes(Problem.NodeCount, 1);

    public long OutcomeBytes => Bytes(Problem.UnitCount, sizeof(double));

    public long ChunkStartBytes => Bytes(Problem.ChunkStart.Length, sizeof(int));

    public long StratumFirstChunkBytes => Bytes(Problem.StratumFirstChunk.Length, sizeof(int));

    public long StratumDoubleBytes => Bytes(Problem.StratumCount, sizeof(double));

    public static long KeyBytes => Bytes(KernelOptions.MaxBatch * PermutationBijection.Rounds, sizeof(uint));

    public long WordBytes => Bytes(2L * Problem.NodeCount, sizeof(ulong));

    public long MinorityNodeBytes => Bytes(MinorityCount, sizeof(uint));

    public long MinorityFlipBytes => Bytes(MinorityCount, 1);

    public long PartialIntBytes => Bytes((long)Problem.ChunkCount * SpilloverMoments.IntegerSlots * KernelOptions.MaxBatch, sizeof(long));

    public long PartialRealBytes => Bytes((long)Problem.ChunkCount * SpilloverMoments.RealSlots * KernelOptions.MaxBatch, sizeof(double));

    public static long BetaBytes => Bytes(KernelOptions.MaxBatch * SpilloverProblem.Regressors, sizeof(double));

    /// <summary>
    /// Device memory the backend needs. At paper scale (15M nodes, 75M edges, chunks of 2048) this is about 0.9 GiB:
    /// neighbors 300 MB, words 240 MB, row offsets and outcome 120 MB each, partial sums 75 MB.
    /// </summary>
    public long TotalDeviceBytes =>
        RowOffsetBytes + NeighborBytes + CellBytesLength + OutcomeBytes + ChunkStartBytes + StratumFirstChunkBytes
        + 2 * StratumDoubleBytes + KeyBytes + WordBytes + PartialIntBytes + PartialRealBytes + BetaBytes
        + MinorityNodeBytes + MinorityFlipBytes;

    /// <summary>
    /// The same total as <see cref="TotalDeviceBytes"/>, from the problem's dimensions alone (for planning);
    /// <paramref name="minority"/> is the number of nodes outside the majority cell when correcting, 0 when gathering.
    /// </summary>
    public static long EstimateBytes(long nodes, long units, long edges, long chunks, long strata, long minority = 0) =>
        Bytes(units + 1, sizeof(long)) + Bytes(edges, sizeof(int)) + Bytes(nodes, 1) + Bytes(units, sizeof(double))
        + Bytes(chunks + 1, sizeof(int)) + Bytes(strata + 1, sizeof(int)) + 2 * Bytes(strata, sizeof(double)) + KeyBytes
        + Bytes(2 * nodes, sizeof(ulong)) + Bytes(chunks * SpilloverMoments.IntegerSlots * KernelOptions.MaxBatch, sizeof(long))
        + Bytes(chunks * SpilloverMoments.RealSlots * KernelOptions.MaxBatch, sizeof(double)) + BetaBytes
        + Bytes(minority, sizeof(uint)) + Bytes(minority, 1);

    /// <summary>The largest single buffer (OpenCL caps one allocation, often at a quarter of device memory).</summary>
    public long LargestBufferBytes => new[] { RowOffsetBytes, NeighborBytes, OutcomeBytes, WordBytes, PartialIntBytes }.Max();

    /// <summary>Global size of the per-node kernel: the node count rounded up to whole groups.</summary>
    public ulong NodeGlobalSize => RoundUp(NodeCount, KernelOptions.NodeGroupSize);

    /// <summary>Global size of the correction kernel: the minority count rounded up to whole groups.</summary>
    public ulong MinorityGlobalSize => RoundUp(MinorityCount, KernelOptions.NodeGroupSize);

    public static ulong RoundUp(ulong value, int multiple) => (value + (ulong)multiple - 1) / (ulong)multiple * (ulong)multiple;

    private static long Bytes(long count, int elementSize) => Math.Max(8, count * elementSize);
}
