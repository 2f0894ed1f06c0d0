namespace GpuInference.Design.Randomization;

/// <summary>
/// A clustered design seen as a design over clusters: one code per cluster, and one block per cluster when there are
/// blocks. Checks that the code is constant within each cluster and that each cluster lies in one block.
/// </summary>
internal static class ClusterCollapse
{
    /// <summary>
    /// Groups units by <paramref name="clusters"/> and returns each cluster's code and (when
    /// <paramref name="blocks"/> is given) its block id. The first unit, in unit order, that disagrees with the first
    /// unit of its cluster is reported.
    /// </summary>
    public static (Grouping Clusters, int[] Codes, int[]? Blocks) Collapse(int[] codes, int[] clusters, int[]? blocks)
    {
        Grouping grouping = Grouping.ById(clusters);
        var firstUnit = new int[grouping.Count];
        for (int g = 0; g < grouping.Count; g++) firstUnit[g] = grouping.Order[grouping.Starts[g]];

        for (int unit = 0; unit < codes.Length; unit++)
        {
            int cluster = grouping.IndexOf[unit];
            int first = firstUnit[cluster];
            if (codes[unit] != codes[first])
            {
                throw new InvalidDesignException(DesignProblem.CodeVariesWithinCluster, grouping.Ids[cluster], first, codes[first], unit, codes[unit]);
            }
            if (blocks is not null && blocks[unit] != blocks[first])
            {
                throw new InvalidDesignException(DesignProblem.ClusterSpansBlocks, grouping.Ids[cluster], first, blocks[first], unit, blocks[unit]);
            }
        }

        var clusterCodes = new int[grouping.Count];
        int[]? clusterBlocks = blocks is null ? null : new int[grouping.Count];
        for (int g = 0; g < grouping.Count; g++)
        {
            clusterCodes[g] = codes[firstUnit[g]];
            if (clusterBlocks is not null) clusterBlocks[g] = blocks![firstUnit[g]];
        }
        return (grouping, clusterCodes, clusterBlocks);
    }
}
