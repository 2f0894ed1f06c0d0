using BenchmarkDotNet.Attributes;
using GpuInference.Backends;
using GpuInference.Backends.Cpu;
using GpuInference.Design;
using GpuInference.Inference;
using GpuInference.Random;

namespace GpuInference.Bench;

/// <summary>
/// The CPU backend's hot paths, one batch of 64 permutations at a time, on a paper-shaped graph held in memory:
/// the bijection alone, the bit-sliced assignment, the exposure-and-moments pass, and the batched solve.
/// Run: <c>dotnet run -c Release --project bench/GpuInference.Bench -- --filter '*HotPath*'</c>.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private SpilloverProblem _problem = null!;
    private BitSlicedAssignment _words = null!;
    private BitSlicedAssignment _gathered = null!;
    private ChunkPartials _partials = null!;
    private StratumMoments _strata = null!;
    private ChunkAccumulator _accumulator = null!;
    private uint[] _images = null!;
    private readonly double[] _beta = new double[4];

    [Params(1_000_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _problem = SyntheticProblems.PaperShaped(Nodes);
        _words = new BitSlicedAssignment(_problem, AssignmentMethod.Correct);
        _gathered = new BitSlicedAssignment(_problem, AssignmentMethod.Gather);
        _partials = new ChunkPartials(_problem.ChunkCount, 64);
        _strata = new StratumMoments(_problem.StratumCount, 64);
        _accumulator = new ChunkAccumulator();
        _images = new uint[Nodes];
        _words.Fill(new PermutationBatch(1, 0, 64), new ParallelOptions { MaxDegreeOfParallelism = 1 });
        for (int chunk = 0; chunk < _problem.ChunkCount; chunk++) _accumulator.Accumulate(_problem, _words, chunk, 64, _partials);
    }

    /// <summary>One permutation's images of every node (AVX2 lanes), single thread.</summary>
    [Benchmark]
    public uint Bijection()
    {
        new PermutationBijection(42, 7, (ulong)Nodes).MapRange(0, _images);
        return _images[^1];
    }

    /// <summary>One permutation's preimages of the 4% minority nodes (AVX2 lanes), single thread.</summary>
    [Benchmark]
    public uint InverseBijectionOfMinority()
    {
        uint[] minority = _problem.Minority.Nodes;
        new PermutationBijection(42, 7, (ulong)Nodes).UnmapMany(minority, _images);
        return _images[minority.Length - 1];
    }

    /// <summary>The bit-sliced assignment of 64 permutations by correcting the majority cell, single thread.</summary>
    [Benchmark]
    public void Assignment64() =>
        _words.Fill(new PermutationBatch(1, 0, 64), new ParallelOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>The same assignment gathered at every position (what a balanced design does), single thread.</summary>
    [Benchmark]
    public void Assignment64Gathered() =>
        _gathered.Fill(new PermutationBatch(1, 0, 64), new ParallelOptions { MaxDegreeOfParallelism = 1 });

    /// <summary>Friend counts and chunk sums of 64 permutations over the whole graph, single thread.</summary>
    [Benchmark]
    public void ExposuresAndMoments64()
    {
        for (int chunk = 0; chunk < _problem.ChunkCount; chunk++) _accumulator.Accumulate(_problem, _words, chunk, 64, _partials);
    }

    /// <summary>Reduction of chunks to strata, then the strata corrections and the 4×4 solve of 64 permutations.</summary>
    [Benchmark]
    public double Solve64()
    {
        _partials.ReduceInto(_problem, 64, _strata);
        for (int p = 0; p < 64; p++) _strata.Solve(_problem, p, _beta);
        return _beta[0];
    }
}
