using GpuInference.Backends;
using GpuInference.Backends.Devices;
using GpuInference.Design.Randomization;
using GpuInference.Inference.Models;
using GpuInference.Model;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Inference;

/// <summary>
/// The batched path (bit-sliced indicators, sufficient statistics from a backend, the solve on the host) against the
/// reference path (every permutation's terms evaluated, residualised and fitted one by one) on the same draws: every
/// exposure kind, tie weights, several arms, products with fixed factors, absorbed and interacted fixed effects, an
/// intercept, and every covariance the permutations recompute.
/// </summary>
public sealed class BatchedFitTests
{
    private static readonly VillageData Data = VillageData.Create(people: 300, seed: 61);

    [Theory]
    [InlineData("y ~ count(t) + share(t) + any(t) + atleast(t, 2) + wsum(t) + wshare(t) + t + x1 | village", "Classical")]
    [InlineData("y ~ count(t) + share(t) + any(t) + atleast(t, 2) + wsum(t) + wshare(t) + t + x1 | village", "HC0")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "HC1")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "HC2")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "HC3")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "CR0:session")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "CR1:session")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | session", "CR1:village")]
    [InlineData("y ~ count(t) + t | village^grp", "HC2")]
    [InlineData("y ~ count(arm==2) + any(arm==1) + arm + x1 + grp", "HC2")]
    [InlineData("y ~ share(t):x1 + t:x1 + t + share(t) + x1", "HC1")]
    [InlineData("y ~ count(t):t + count(t) + t | village + grp", "HC3")]
    [InlineData("y ~ count(t) + share(t) + any(t) + any(t==0) + atleast(t, 2) + atleast(t==0, 2) + t + x1 | village", "HC2")]
    public void TheBatchedNullIsTheReferenceNull(string formula, string se)
    {
        string permuted = formula.Contains("arm", StringComparison.Ordinal) ? "arm" : "t";
        CompiledModel model = Data.Compile(formula, permuted);
        PermutationCovariance covariance = Covariance(model, se);
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"));
        const ulong seed = 77;
        const int permutations = 150; // three batches, the last one partial
        RandomizationResult batched = RandomizationTest.Run(model, (b, d) => design.Draw(seed, b, d), seed, permutations, TestStatistic.Studentized, covariance);
        RandomizationResult reference = RandomizationTest.Run(model, (b, d) => design.Draw(seed, b, d), seed, permutations, TestStatistic.Studentized, covariance, reference: true);

        Assert.StartsWith("cpu", batched.Engine, StringComparison.Ordinal);
        Assert.StartsWith("reference", reference.Engine, StringComparison.Ordinal);
        for (int a = 0; a < model.Moving.Length; a++) Close(reference.Observed[a], batched.Observed[a], $"observed {model.Moving[a].Name}");
        Assert.Equal(reference.Statistics.Count, batched.Statistics.Count);
        for (int s = 0; s < reference.Statistics.Count; s++)
        {
            Close(reference.Statistics[s].Null.Observed, batched.Statistics[s].Null.Observed, $"{reference.Statistics[s].Name} observed");
            for (int b = 0; b < permutations; b++)
                Close(reference.Statistics[s].Null.Values[b], batched.Statistics[s].Null.Values[b], $"{reference.Statistics[s].Name}, permutation {b}");
        }
    }

    /// <summary>
    /// Words filled from a design's changes to the most common code give the bits of words filled from every unit's
    /// drawn code, for blocked and clustered designs, with and without a baseline most units share.
    /// </summary>
    [Theory]
    [InlineData("t", "count(t) + share(t) + t", false)]
    [InlineData("t", "count(t) + share(t) + t", true)]
    [InlineData("arm", "count(arm==2) + any(arm==1) + arm", true)]
    public void FillingFromChangesGivesTheSameNull(string permuted, string terms, bool clustered)
    {
        CompiledModel model = Data.Compile($"y ~ {terms} + x1 | village", permuted);
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"), clustered ? Ids("session") : null);
        PermutationCovariance covariance = PermutationCovariance.Heteroskedastic("HC3");
        RandomizationResult fromChanges = RandomizationTest.Run(model, design, 12, 100, TestStatistic.Studentized, covariance);
        RandomizationResult fromDraws = RandomizationTest.Run(model, (b, d) => design.Draw(12, b, d), 12, 100, TestStatistic.Studentized, covariance);
        for (int s = 0; s < fromDraws.Statistics.Count; s++)
        {
            Assert.Equal(fromDraws.Statistics[s].Null.Observed, fromChanges.Statistics[s].Null.Observed);
            Assert.Equal(fromDraws.Statistics[s].Null.Values.ToArray(), fromChanges.Statistics[s].Null.Values.ToArray());
        }
    }

    /// <summary>
    /// The observed fit rides in the last batch's spare lane (B = 1, 70, 100) or takes a batch of its own (B = 64, 128):
    /// the same bits either way, on the managed backend and the kernels, and the permutations keep their own.
    /// </summary>
    [Theory]
    [InlineData("y ~ count(t) + share(t) + any(t) + t + x1 | village", "HC2", false)]
    [InlineData("y ~ count(t) + share(t) + any(t) + t + x1 | village", "HC2", true)]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "CR1:session", false)]
    public void TheObservedFitHasItsBitsInWhicheverLaneItRides(string formula, string se, bool kernels)
    {
        CompiledModel model = Data.Compile(formula, "t");
        PermutationCovariance covariance = Covariance(model, se);
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"));
        var device = new IlgpuBackendProvider(DeviceKind.Cpu);
        RandomizationResult Run(int permutations) => RandomizationTest.Run(model, design, 9, permutations, TestStatistic.Studentized, covariance,
            backend: kernels ? problem => device.CreateModel(problem, new BackendOptions()) : null);
        RandomizationResult alone = Run(64);
        foreach (int permutations in new[] { 1, 70, 100, 128 })
        {
            RandomizationResult other = Run(permutations);
            Assert.Equal(alone.Observed.Select(BitConverter.DoubleToInt64Bits), other.Observed.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(alone.ObservedCovariance.Select(BitConverter.DoubleToInt64Bits), other.ObservedCovariance.Select(BitConverter.DoubleToInt64Bits));
            for (int s = 0; s < alone.Statistics.Count; s++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(alone.Statistics[s].Null.Observed), BitConverter.DoubleToInt64Bits(other.Statistics[s].Null.Observed));
                int shared = Math.Min(64, permutations);
                Assert.Equal(alone.Statistics[s].Null.Values[..shared].ToArray().Select(BitConverter.DoubleToInt64Bits),
                    other.Statistics[s].Null.Values[..shared].ToArray().Select(BitConverter.DoubleToInt64Bits));
            }
        }
    }

    /// <summary>
    /// The device kernels (on ILGPU's CPU accelerator, which runs them as compiled for any device) give the managed
    /// backend's bits: every exposure kind and tie weights, several arms, products with fixed factors, an intercept,
    /// and each kind of second pass.
    /// </summary>
    [Theory]
    [InlineData("y ~ count(t) + share(t) + any(t) + atleast(t, 2) + wsum(t) + wshare(t) + t + x1 | village", "t", "HC2")]
    [InlineData("y ~ count(arm==2) + any(arm==1) + arm + x1 + grp", "arm", "HC3")]
    [InlineData("y ~ share(t):x1 + t:x1 + t + share(t) + x1", "t", "HC0")]
    [InlineData("y ~ count(t) + share(t) + t + x1 | village", "t", "CR1:session")]
    [InlineData("y ~ count(t) + t | village", "t", "Classical")]
    [InlineData("y ~ count(t) + share(t) + any(t) + any(t==0) + atleast(t, 2) + atleast(t==0, 2) + t + x1 | village", "t", "HC2")]
    public void TheDeviceKernelsGiveTheHostsBits(string formula, string permuted, string se)
    {
        CompiledModel model = Data.Compile(formula, permuted);
        PermutationCovariance covariance = Covariance(model, se);
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, Ids("village"));
        var device = new IlgpuBackendProvider(DeviceKind.Cpu);
        RandomizationResult host = RandomizationTest.Run(model, design, 3, 70, TestStatistic.Studentized, covariance);
        RandomizationResult kernels = RandomizationTest.Run(model, design, 3, 70, TestStatistic.Studentized, covariance,
            backend: problem => device.CreateModel(problem, new BackendOptions()));
        Assert.StartsWith("ilgpu-cpu", kernels.Engine, StringComparison.Ordinal);
        for (int s = 0; s < host.Statistics.Count; s++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(host.Statistics[s].Null.Observed), BitConverter.DoubleToInt64Bits(kernels.Statistics[s].Null.Observed));
            Assert.Equal(host.Statistics[s].Null.Values.ToArray().Select(BitConverter.DoubleToInt64Bits), kernels.Statistics[s].Null.Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>A hub with more friends than a byte counts (350 here) is counted in several flushes, on both backends.</summary>
    [Fact]
    public void AHubBeyondTheByteCountersIsCountedExactly()
    {
        VillageData big = VillageData.Create(people: 700, seed: 9);
        CompiledModel model = big.Compile("y ~ count(t) + share(t) + wsum(t) + t + x1 | village", "t");
        Assert.Contains(0, model.UnitNodes); // node 0 is the hub
        Assert.True(model.Graph.Degree(0) > 255);
        RandomizedDesign design = AssignmentDesigns.Declare(model.ObservedCodes, [.. big.Table["village"].Codes!]);
        PermutationCovariance covariance = PermutationCovariance.Heteroskedastic("HC1");
        RandomizationResult batched = RandomizationTest.Run(model, design, 4, 64, TestStatistic.Studentized, covariance);
        RandomizationResult reference = RandomizationTest.Run(model, design, 4, 64, TestStatistic.Studentized, covariance, reference: true);
        var device = new IlgpuBackendProvider(DeviceKind.Cpu);
        RandomizationResult kernels = RandomizationTest.Run(model, design, 4, 64, TestStatistic.Studentized, covariance,
            backend: problem => device.CreateModel(problem, new BackendOptions()));
        for (int s = 0; s < reference.Statistics.Count; s++)
        {
            for (int b = 0; b < 64; b++) Close(reference.Statistics[s].Null.Values[b], batched.Statistics[s].Null.Values[b], $"permutation {b}");
            Assert.Equal(batched.Statistics[s].Null.Values.ToArray(), kernels.Statistics[s].Null.Values.ToArray());
        }
    }

    /// <summary>Clusters that cross the absorbed groups cannot share chunks with them: the reference path runs, and says why.</summary>
    [Fact]
    public void CrossingClustersFallBackToTheReferencePath()
    {
        CompiledModel model = Data.Compile("y ~ count(t) + t | village", "t");
        PermutationCovariance covariance = Covariance(model, "CR1:grp");
        RandomizationResult result = RandomizationTest.Run(model, (b, d) => model.ObservedCodes.CopyTo(d), 1, 3, TestStatistic.Studentized, covariance);
        Assert.Equal("reference fit per permutation on the host (the clusters and the absorbed fixed effect cross (neither nests in the other))", result.Engine);
    }

    /// <summary>Coefficients alone never need the clusters, so the same model runs batched when only coefficients are tested.</summary>
    [Fact]
    public void CoefficientsAloneRunBatchedWhateverTheClusters()
    {
        CompiledModel model = Data.Compile("y ~ count(t) | village", "t");
        RandomizationResult result = RandomizationTest.Run(model, (b, d) => model.ObservedCodes.CopyTo(d), 1, 3, TestStatistic.Coefficient, Covariance(model, "CR1:grp"));
        Assert.StartsWith("cpu", result.Engine, StringComparison.Ordinal);
        Assert.All(result.Statistics[0].Null.Values.ToArray(), v => Assert.Equal(result.Statistics[0].Null.Observed, v));
    }

    private static PermutationCovariance Covariance(CompiledModel model, string se)
    {
        string[] parts = se.Split(':');
        if (parts.Length == 1) return PermutationCovariance.Heteroskedastic(se);
        int[] ids = Ids(parts[1]);
        var map = new Dictionary<int, int>();
        int[] dense = [.. model.UnitNodes.Select(n => map.TryGetValue(ids[n], out int d) ? d : map[ids[n]] = map.Count)];
        bool nested = model.FixedEffect is int[] groups && groups.Select((g, i) => (g, dense[i])).Distinct().Count() == groups.Distinct().Count();
        return new PermutationCovariance(parts[0], dense, map.Count, parts[1], nested);
    }

    private static int[] Ids(string column) => [.. Data.Table[column].Codes!];

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(Math.Abs(expected), 1e-9) || double.IsNaN(expected) && double.IsNaN(actual),
            $"{what}: reference {expected:R}, batched {actual:R}");
}
