using GpuInference.Backends.Models;
using GpuInference.Kernels;
using GpuInference.Kernels.Models;
using ILGPU;
using ILGPU.Runtime;

namespace GpuInference.Backends.Devices;

/// <summary>
/// The general model on one ILGPU accelerator: the laid-out model is uploaded once; the first pass uploads the
/// batch's indicator words (the second reuses them and uploads the permutations' fits), each runs <see cref="ModelKernels"/>, compiled for the model's atoms, with one work-group
/// per chunk, and brings the chunks' partial sums back for the host to reduce, by the same code as the CPU backend.
/// </summary>
internal sealed class IlgpuModelBackend : IModelBackend
{
    /// <summary>XORed into every added product's bits (see RoundedProduct in the kernels): always 0.</summary>
    private const ulong OpaqueZero = 0;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly ModelProblem _problem;
    private readonly List<MemoryBuffer> _owned = [];
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _words;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _first;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _second;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _parameters;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _groupSums;
    private readonly Action<KernelConfig, ModelView, int, ulong, ArrayView<double>, ArrayView<double>> _moments;
    private readonly Action<KernelConfig, ModelView, int, ulong, int, ArrayView<double>, ArrayView<double>, ArrayView<double>> _residuals;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _clusterScores;
    private readonly Lock _gate = new();
    private ModelView _view;

    /// <summary>Takes ownership of <paramref name="context"/>; starts on <paramref name="device"/> or throws <see cref="BackendUnavailableException"/>.</summary>
    public IlgpuModelBackend(DeviceKind kind, Context context, Device device, ModelProblem problem)
    {
        Name = kind.Name();
        Device = kind == DeviceKind.Cpu
            ? $"{device.Name} ({device.NumMultiprocessors} simulated multiprocessors)"
            : $"{device.Name} ({device.AcceleratorType}, {device.MemorySize >> 20} MiB)";
        _context = context;
        _problem = problem;
        try
        {
            _accelerator = device.CreateAccelerator(context);
            // The kernels are compiled for this model's atoms: each atom's exposure kind is a type argument, not a branch.
            _moments = _accelerator.LoadStreamKernel(KernelCatalog.ModelKernel(nameof(ModelKernels.Moments), problem.AtomKind)
                .CreateDelegate<Action<ModelView, int, ulong, ArrayView<double>, ArrayView<double>>>());
            _residuals = _accelerator.LoadStreamKernel(KernelCatalog.ModelKernel(nameof(ModelKernels.Residuals), problem.AtomKind)
                .CreateDelegate<Action<ModelView, int, ulong, int, ArrayView<double>, ArrayView<double>, ArrayView<double>>>());
            var slots = new ModelSlots(problem.TermCount, problem.BasisCount);
            _words = Allocate<ulong>((long)problem.NodeCount * Math.Max(1, problem.IndicatorCount));
            _first = Allocate<double>((long)problem.ChunkCount * slots.FirstPass * ModelSlots.Width);
            _second = Allocate<double>((long)problem.ChunkCount * Math.Max(slots.SecondPass(true), slots.SecondPass(false)) * ModelSlots.Width);
            _parameters = Allocate<double>((long)slots.Parameters(problem.GroupCount) * ModelSlots.Width);
            _groupSums = Allocate<double>((long)problem.GroupCount * problem.TermCount * ModelSlots.Width);
            _clusterScores = Allocate<double>((long)problem.ClusterCount * problem.TermCount * ModelSlots.Width);
            _view = Upload(problem);
            _accelerator.Synchronize();
        }
        catch (Exception e)
        {
            foreach (MemoryBuffer buffer in _owned) buffer.Dispose();
            _accelerator?.Dispose();
            context.Dispose();
            throw new BackendUnavailableException($"{Name} on {Device} could not start: {e.Message}", e);
        }
    }

    public string Name { get; }

    public string Device { get; }

    public void Moments(ulong[] words, int count, double[] partials, double[] groupSums)
    {
        Run(() =>
        {
            _words.View.CopyFromCPU(words);
            _moments(Chunks(), _view, count, OpaqueZero, _first.View, _groupSums.View);
            _accelerator.Synchronize();
            _first.View.SubView(0, partials.LongLength).CopyToCPU(partials);
            _groupSums.View.SubView(0, groupSums.LongLength).CopyToCPU(groupSums);
        });
    }

    public void Residuals(int count, ResidualWeighting weighting, double[] parameters, double[] partials, double[] clusterScores)
    {
        Run(() =>
        {
            // The words of the first pass are still on the device.
            _parameters.View.SubView(0, parameters.LongLength).CopyFromCPU(parameters);
            _residuals(Chunks(), _view, count, OpaqueZero, (int)weighting, _parameters.View, _second.View, _clusterScores.View);
            _accelerator.Synchronize();
            _second.View.SubView(0, partials.LongLength).CopyToCPU(partials);
            if (clusterScores.Length > 0) _clusterScores.View.SubView(0, clusterScores.LongLength).CopyToCPU(clusterScores);
        });
    }

    private KernelConfig Chunks() => new(_problem.ChunkCount, KernelLimits.MaxBatch);

    /// <summary>One pass at a time on the backend's buffers; a device failure becomes a fault the run can report.</summary>
    private void Run(Action pass)
    {
        try
        {
            lock (_gate) pass();
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new BackendFaultException($"{Name} on {Device}: a pass of the general model failed: {e.Message}", e);
        }
    }

    private MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length) where T : unmanaged
    {
        MemoryBuffer1D<T, Stride1D.Dense> buffer = _accelerator.Allocate1D<T>(Math.Max(1, length));
        _owned.Add(buffer);
        return buffer;
    }

    private ArrayView<T> Copy<T>(T[] values) where T : unmanaged
    {
        MemoryBuffer1D<T, Stride1D.Dense> buffer = Allocate<T>(values.LongLength);
        if (values.Length > 0) buffer.View.SubView(0, values.LongLength).CopyFromCPU(values);
        return buffer.View;
    }

    private ModelView Upload(ModelProblem problem) => new()
    {
        RowOffsets = Copy(problem.RowOffsets),
        Neighbors = Copy(problem.Neighbors),
        Weights = Copy(problem.Weights ?? [0f]),
        Words = _words.View,
        AtomParameter = Copy(problem.AtomParameter),
        AtomIndicator = Copy(problem.AtomIndicator),
        LevelStart = Copy(problem.LevelStart),
        LevelIndicator = Copy(problem.LevelIndicator),
        LevelValue = Copy(problem.LevelValue),
        TermStart = Copy(problem.TermStart),
        TermAtoms = Copy(problem.TermAtoms),
        TermFixedFactor = Copy(problem.TermFixedFactor),
        HostSummed = Copy([.. problem.HostSummedTerms.Select(summed => summed ? 1 : 0)]),
        Complemented = Copy([.. problem.ComplementedTerms.Select(complemented => complemented ? 1 : 0)]),
        FixedFactors = Copy([.. problem.FixedFactors.SelectMany(f => f)]),
        Outcome = Copy(problem.Outcome),
        Basis = Copy(problem.Basis),
        Shift = Copy(problem.Shift),
        Leverage = Copy(problem.Leverage),
        UnitGroup = Copy(problem.UnitGroup),
        ChunkStart = Copy(problem.ChunkStart),
        ChunkGroup = Copy(problem.ChunkGroup),
        ChunkCluster = Copy(problem.ChunkCluster ?? [0]),
        UnitCluster = Copy(problem.UnitCluster ?? [0]),
        Indicators = problem.IndicatorCount,
        Terms = problem.TermCount,
        BasisCount = problem.BasisCount,
        Units = problem.UnitCount,
        Weighted = problem.Weighted ? 1 : 0,
        Absorbs = problem.Absorbs ? 1 : 0,
    };

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (MemoryBuffer buffer in _owned) buffer.Dispose();
            _owned.Clear();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }
}
