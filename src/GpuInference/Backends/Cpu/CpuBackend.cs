using GpuInference.Design;

namespace GpuInference.Backends.Cpu;

/// <summary>
/// The managed backend: always available, and the reference every device backend is compared with. A batch is
/// one bit-sliced assignment pass, one pass over the graph (chunks in parallel, each writing its own partials), the
/// reduction of each stratum's chunks in chunk order, and the host solve, so the result does not depend on the thread count.
/// </summary>
public sealed class CpuBackend : IPermutationBackend
{
    private readonly SpilloverProblem _problem;
    private readonly BackendOptions _options;
    private readonly ParallelOptions _parallel;
    private readonly BitSlicedAssignment _words;
    private readonly ChunkPartials _partials;
    private readonly StratumMoments _strata;
    private readonly ThreadLocal<ChunkAccumulator> _accumulators;

    public CpuBackend(SpilloverProblem problem, BackendOptions options)
        : this(problem, options, AssignmentMethod.Auto, vectorized: true)
    {
    }

    /// <param name="problem">The problem.</param>
    /// <param name="options">Threads, batch size.</param>
    /// <param name="method">How batches build the permuted assignment (every method gives the same bits).</param>
    /// <param name="vectorized">False to keep every chunk on the generic path (tests compare the two).</param>
    internal CpuBackend(SpilloverProblem problem, BackendOptions options, AssignmentMethod method, bool vectorized)
    {
        _accumulators = new(() => new ChunkAccumulator(vectorized));
        _problem = problem;
        _options = options;
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        _words = new BitSlicedAssignment(problem, method);
        _partials = new ChunkPartials(problem.ChunkCount, BitSlicedAssignment.Width);
        _strata = new StratumMoments(problem.StratumCount, BitSlicedAssignment.Width);
        Device = $"managed code, {threads} thread{(threads == 1 ? "" : "s")}";
    }

    public string Name => "cpu";

    public string Device { get; }

    public int MaxBatchSize => BitSlicedAssignment.Width;

    public void Fit(PermutationBatch batch, Span<double> coefficients)
    {
        if (batch.Count < 1 || batch.Count > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(batch), $"batch count must be 1..{MaxBatchSize}.");
        if (coefficients.Length < batch.Count * SpilloverProblem.Regressors) throw new ArgumentException("coefficient span too short.", nameof(coefficients));

        _words.Fill(batch, _parallel);
        Parallel.For(0, _problem.ChunkCount, _parallel, chunk =>
            _accumulators.Value!.Accumulate(_problem, _words, chunk, batch.Count, _partials));
        _partials.ReduceInto(_problem, batch.Count, _strata);
        for (int p = 0; p < batch.Count; p++)
        {
            _strata.Solve(_problem, p, coefficients.Slice(p * SpilloverProblem.Regressors, SpilloverProblem.Regressors));
        }
    }

    public void Dispose() => _accumulators.Dispose();
}

/// <summary>Provides the managed backend, which is always available.</summary>
public sealed class CpuBackendProvider : IBackendProvider, IAssignmentMethodProvider
{
    public string Name => "cpu";

    public BackendAvailability Probe(BackendOptions options)
    {
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var device = new DeviceInfo("cpu", $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} host", memory, threads, false,
            $"{Environment.ProcessorCount} logical cores, SIMD width {System.Numerics.Vector<long>.Count * 64} bits");
        return new BackendAvailability(true, "always available", [device]);
    }

    public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => new CpuBackend(problem, options);

    public Models.IModelBackend CreateModel(Models.ModelProblem problem, BackendOptions options) => new Models.CpuModelBackend(problem, options);

    IPermutationBackend IAssignmentMethodProvider.Create(SpilloverProblem problem, BackendOptions options, AssignmentMethod method) =>
        new CpuBackend(problem, options, method, vectorized: true);
}
