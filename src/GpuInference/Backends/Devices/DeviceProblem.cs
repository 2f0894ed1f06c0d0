using System.Runtime.InteropServices;
using GpuInference.Design;
using GpuInference.Kernels;
using GpuInference.Kernels.Random;
using GpuInference.Data;

namespace GpuInference.Backends.Devices;

/// <summary>
/// A <see cref="SpilloverProblem"/> as the kernels take it: which assignment method its batches use, the cipher
/// shape, and the size of every device buffer, so that a backend can refuse a device that is too small before it
/// allocates anything.
/// </summary>
internal sealed class DeviceProblem
{
    /// <param name="problem">The problem to lay out.</param>
    /// <param name="corrects">Whether batches correct the majority assignment (then the minority nodes are uploaded too).</param>
    public DeviceProblem(SpilloverProblem problem, bool corrects = false)
    {
        Problem = problem;
        Corrects = corrects;
        MinorityCount = corrects ? problem.Minority.Nodes.Length : 0;
        Shape = new BijectionShape((uint)problem.NodeCount);
    }

    public SpilloverProblem Problem { get; }

    /// <summary>
    /// The layout of <paramref name="problem"/>, or <see cref="BackendUnavailableException"/> when it does not fit
    /// <paramref name="memory"/> bytes of device memory.
    /// </summary>
    /// <remarks>
    /// Correction (see <see cref="AssignmentMethod"/>) flips single bits of 64-bit words through their 32-bit halves,
    /// which is bit p % 32 of half p / 32 only on a little-endian device; a big-endian one gathers.
    /// </remarks>
    public static DeviceProblem Fit(SpilloverProblem problem, AssignmentMethod method, bool littleEndian, string device, long memory)
    {
        var layout = new DeviceProblem(problem, method.Corrects(problem) && littleEndian);
        if (layout.TotalDeviceBytes > memory)
            throw new BackendUnavailableException($"{device}: the problem needs {layout.TotalDeviceBytes >> 20} MiB, the device has {memory >> 20} MiB");
        return layout;
    }

    /// <summary>The Feistel split of the node count.</summary>
    public BijectionShape Shape { get; }

    /// <summary>Whether batches fill the majority cell and correct the minority nodes' positions, rather than gather.</summary>
    public bool Corrects { get; }

    /// <summary>Nodes outside the majority cell when correcting; 0 otherwise.</summary>
    public int MinorityCount { get; }

    /// <summary>The majority cell's banner and feed words for a batch of <paramref name="count"/>: all ones in bits below count, or 0.</summary>
    public (ulong Banner, ulong Feed) MajorityWords(int count)
    {
        ulong mask = count >= 64 ? ulong.MaxValue : (1UL << count) - 1;
        TreatmentCell majority = Problem.Minority.Majority;
        return ((majority & TreatmentCell.Banner) != 0 ? mask : 0, (majority & TreatmentCell.Feed) != 0 ? mask : 0);
    }

    /// <summary>The cells as bytes (bit 0 banner, bit 1 feed).</summary>
    public byte[] CellBytes() => MemoryMarshal.AsBytes(Problem.Cells.AsSpan()).ToArray();

    /// <summary>Words of the bit-sliced assignment: banner and feed per node.</summary>
    public long WordCount => 2L * Problem.NodeCount;

    /// <summary>Integer chunk sums of a batch: [chunk][slot][lane].</summary>
    public long PartialIntCount => (long)Problem.ChunkCount * KernelLimits.IntegerSlots * KernelLimits.MaxBatch;

    /// <summary>Floating chunk sums of a batch: [chunk][slot][lane].</summary>
    public long PartialRealCount => (long)Problem.ChunkCount * KernelLimits.RealSlots * KernelLimits.MaxBatch;

    /// <summary>Integer stratum sums of a batch, what the host reads back: [stratum][slot][lane].</summary>
    public long StratumIntCount => (long)Problem.StratumCount * KernelLimits.IntegerSlots * KernelLimits.MaxBatch;

    /// <summary>Floating stratum sums of a batch: [stratum][slot][lane].</summary>
    public long StratumRealCount => (long)Problem.StratumCount * KernelLimits.RealSlots * KernelLimits.MaxBatch;

    /// <summary>
    /// Device memory the backend needs. At paper scale (15M nodes, 75M edges, chunks of 2048) this is about 0.9 GiB:
    /// neighbors 300 MB, words 240 MB, row offsets and outcome 120 MB each, chunk sums 67 MB.
    /// </summary>
    public long TotalDeviceBytes =>
        EstimateBytes(Problem.NodeCount, Problem.UnitCount, Problem.EdgeCount, Problem.ChunkCount, Problem.StratumCount, MinorityCount);

    /// <summary>
    /// The same total as <see cref="TotalDeviceBytes"/>, from the problem's dimensions alone (for planning);
    /// <paramref name="minority"/> is the number of nodes outside the majority cell when correcting, 0 when gathering.
    /// </summary>
    public static long EstimateBytes(long nodes, long units, long edges, long chunks, long strata, long minority = 0)
    {
        const int lanes = KernelLimits.MaxBatch;
        const int slots = KernelLimits.IntegerSlots + KernelLimits.RealSlots;
        long problem = (units + 1) * sizeof(long) + edges * sizeof(uint) + nodes + units * sizeof(double)
            + (chunks + 1) * sizeof(int) + (strata + 1) * sizeof(int) + minority * (sizeof(uint) + 1);
        long batch = (long)lanes * KernelLimits.BijectionRounds * sizeof(uint) + 2 * nodes * sizeof(ulong)
            + (chunks + strata) * slots * lanes * 8L;
        return problem + batch;
    }

    /// <summary>Groups of <paramref name="groupSize"/> that cover <paramref name="items"/> work-items.</summary>
    public static int Groups(long items, int groupSize) => (int)((items + groupSize - 1) / groupSize);
}
