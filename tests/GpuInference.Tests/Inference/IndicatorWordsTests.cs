using GpuInference.Backends.Models;
using GpuInference.Design.Randomization;
using GpuInference.Tests.Design.Randomization;

namespace GpuInference.Tests.Inference;

/// <summary>
/// Words filled from a design's changes against words filled from every unit's draw, word for word: nodes renumbered
/// away from the file's order, every baseline, overlapping indicators, clusters, and batches of 64, 37 and 5; the
/// changes flipped by region of the words (one region, and regions of seven nodes) and lane by lane (the path past
/// the memory budget).
/// </summary>
public sealed class IndicatorWordsTests
{
    public static TheoryData<string, int> Cases() => new()
    {
        { "complete", 64 },
        { "clustered", 37 },
        { "clusters within blocks", 5 },
        { "blocked", 64 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheChangesGiveTheDrawsWords(string name, int count)
    {
        var (_, codes, blocks, clusters, _) = DesignInvariantTests.Designs().Single(d => d.Name == name);
        RandomizedDesign design = AssignmentDesigns.Declare(codes, blocks, clusters);
        ModelProblem problem = Problem(codes.Length, design.CodeCount, seed: 4);
        IndicatorWords[] byChanges =
        [
            new IndicatorWords(problem),
            new IndicatorWords(problem, IndicatorWords.RegionBudgetBytes, regionShift: 3),
            new IndicatorWords(problem, regionBudgetBytes: 0, regionShift: 0),
        ];
        var byDraws = new IndicatorWords(problem);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 3 };
        for (int baseline = 0; baseline < design.CodeCount; baseline++)
        {
            byDraws.Fill((b, drawn) => design.Draw(31, b, drawn), first: 9, count, parallel);
            foreach (IndicatorWords words in byChanges)
            {
                words.FillByChanges(design, 31, baseline, first: 9, count, parallel);
                Assert.Equal(byDraws.Words, words.Words);
            }
        }
    }

    /// <summary>Nodes in a shuffled order of the file's; indicators code = 1, code ≥ 2, code ∈ {0, 3} (over four codes).</summary>
    private static ModelProblem Problem(int nodes, int codes, int seed)
    {
        var random = new System.Random(seed);
        int[] fileNode = [.. Enumerable.Range(0, nodes)];
        random.Shuffle(fileNode);
        bool[] Set(Func<int, bool> member) => [.. Enumerable.Range(0, codes).Select(member)];
        return new ModelProblem
        {
            NodeCount = nodes,
            FileNode = fileNode,
            RowOffsets = new long[nodes + 1],
            Neighbors = [],
            Indicators = [Set(c => c == 1), Set(c => c >= 2), Set(c => c is 0 or 3)],
            AtomKind = [],
            AtomParameter = [],
            AtomIndicator = [],
            LevelStart = [0],
            LevelIndicator = [],
            LevelValue = [],
            TermStart = [0],
            TermAtoms = [],
            TermFixedFactor = [],
            FixedFactors = [],
            UnitCount = 0,
            Outcome = [],
            Basis = [],
            BasisCount = 0,
            Absorbs = false,
            UnitGroup = [],
            GroupSize = [],
            Shift = [],
            Leverage = [],
            ChunkStart = [0],
            ChunkGroup = [],
        };
    }
}
