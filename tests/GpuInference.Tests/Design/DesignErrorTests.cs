using GpuInference.Design.Randomization;

namespace GpuInference.Tests.Design.Randomization;

/// <summary>Designs that cannot be randomized as declared are refused with one line naming the cluster and two units.</summary>
public sealed class DesignErrorTests
{
    [Fact]
    public void CodeVaryingWithinAClusterNamesTheClusterAndTwoUnits()
    {
        var error = Assert.Throws<InvalidDesignException>(() =>
            AssignmentDesigns.Declare([0, 0, 1, 1, 3, 0], blocks: [1, 1, 2, 2, 2, 2], clusters: [5, 5, 7, 7, 7, 9]));
        Assert.Equal("cluster 7: the permuted columns vary within the cluster (unit 2 has code 1, unit 4 has code 3); a clustered design moves whole clusters",
            error.Message);
    }

    [Fact]
    public void FirstDisagreeingUnitIsReported()
    {
        var error = Assert.Throws<InvalidDesignException>(() =>
            AssignmentDesigns.Declare([0, 0, 1, 0, 2, 0], clusters: [5, 5, 7, 7, 7, 9], bernoulli: true));
        Assert.Equal("cluster 7: the permuted columns vary within the cluster (unit 2 has code 1, unit 3 has code 0); a clustered design moves whole clusters",
            error.Message);
        Assert.Equal((DesignProblem.CodeVariesWithinCluster, 7, 2, 1, 3, 0),
            (error.Problem, error.Cluster, error.FirstUnit, error.FirstValue, error.SecondUnit, error.SecondValue));
    }

    [Fact]
    public void ClusterAcrossBlocksNamesTheClusterAndBothBlocks()
    {
        var error = Assert.Throws<InvalidDesignException>(() =>
            AssignmentDesigns.Declare([1, 1, 1, 0], blocks: [0, 0, 3, 3], clusters: [5, 5, 5, 7]));
        Assert.Equal("cluster 5 spans blocks 0 and 3 (unit 0 is in block 0, unit 2 in block 3); clusters must nest in blocks", error.Message);
        Assert.Equal((DesignProblem.ClusterSpansBlocks, 5, 0, 0, 2, 3),
            (error.Problem, error.Cluster, error.FirstUnit, error.FirstValue, error.SecondUnit, error.SecondValue));
    }

    [Fact]
    public void MismatchedLengthsAndNegativeCodesAreArgumentErrors()
    {
        Assert.Equal("one block id per unit is needed: 2 block ids for 3 units. (Parameter 'blocks')",
            Assert.Throws<ArgumentException>(() => AssignmentDesigns.Declare([0, 1, 0], blocks: [0, 0])).Message);
        Assert.Equal("one cluster id per unit is needed: 4 cluster ids for 3 units. (Parameter 'clusters')",
            Assert.Throws<ArgumentException>(() => AssignmentDesigns.Declare([0, 1, 0], clusters: [0, 0, 1, 1])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AssignmentDesigns.Declare([0, -1, 0]));
        Assert.Throws<ArgumentException>(() => AssignmentDesigns.Declare([]));
        var design = AssignmentDesigns.Declare([0, 1, 0]);
        Assert.Throws<ArgumentException>(() => design.Draw(1, 0, new int[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => design.Draw(1, -1, new int[3]));
        Assert.Throws<InvalidOperationException>(() => AssignmentDesigns.Declare([0, 300]).Draw(1, 0, new byte[2]));
    }
}
