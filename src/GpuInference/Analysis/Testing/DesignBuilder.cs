using GpuInference.Data;
using GpuInference.Design.Randomization;
using GpuInference.Model;

namespace GpuInference.Analysis.Testing;

/// <summary>
/// Declares the re-randomization design of a test from its options: blocks and clusters read from columns of the
/// nodes file (every node is re-randomized, so every node needs them), Bernoulli or permutation, or a file. The
/// design's own errors come back as file:line:column errors naming the rows.
/// </summary>
internal static class DesignBuilder
{
    public static IAssignmentDesign Build(NetworkTestOptions options, ColumnTable table, CompiledModel model)
    {
        if (options.Design == DesignKind.File)
        {
            if (options.Permute.Count != 1) throw new ModelCompilationException("a permutation file gives one column's values: --permute one column with --design file:PATH");
            var codes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int code = 0; code < model.CodeLabels.Length; code++) codes[model.CodeLabels[code][(options.Permute[0].Length + 1)..]] = code;
            return PermutationFileReader.Read(options.DesignFile!, table.Rows, codes);
        }
        int[]? blocks = options.Within is null ? null : Ids(table, options.Within, "--within");
        int[]? clusters = options.Clusters is null ? null : Ids(table, options.Clusters, "--clusters");
        try
        {
            return AssignmentDesigns.Declare(model.ObservedCodes, blocks, clusters, bernoulli: options.Design == DesignKind.Bernoulli);
        }
        catch (InvalidDesignException e) when (e.Problem == DesignProblem.CodeVariesWithinCluster)
        {
            TableColumn column = table[options.Clusters!];
            throw table.Error(e.SecondUnit, column,
                $"cluster '{column.Text(e.SecondUnit)}': the permuted columns vary within the cluster " +
                $"({table.Where(e.FirstUnit)}: {model.CodeLabels[e.FirstValue]}; {table.Where(e.SecondUnit)}: {model.CodeLabels[e.SecondValue]}), but --clusters moves whole clusters");
        }
        catch (InvalidDesignException e) when (e.Problem == DesignProblem.ClusterSpansBlocks)
        {
            TableColumn column = table[options.Clusters!], block = table[options.Within!];
            throw table.Error(e.SecondUnit, column,
                $"cluster '{column.Text(e.SecondUnit)}' spans blocks '{block.Text(e.FirstUnit)}' ({table.Where(e.FirstUnit)}) and '{block.Text(e.SecondUnit)}' ({table.Where(e.SecondUnit)}): clusters must nest in blocks");
        }
    }

    /// <summary>A dense id per distinct value of the column, for every node; a blank cell is an error.</summary>
    internal static int[] Ids(ColumnTable table, string name, string option)
    {
        TableColumn column = table[name];
        var ids = new int[table.Rows];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int row = 0; row < table.Rows; row++)
        {
            if (column.IsMissing(row)) throw table.Error(row, column, $"{option} column '{name}' is blank: every node is re-randomized, so every node needs one");
            string value = column.Text(row);
            if (!seen.TryGetValue(value, out int id)) seen[value] = id = seen.Count;
            ids[row] = id;
        }
        return ids;
    }
}
