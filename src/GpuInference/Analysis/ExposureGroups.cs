using GpuInference.Design;
using GpuInference.Data;

namespace GpuInference.Analysis;

/// <summary>
/// The units of the spillover regression grouped by everything its regressors depend on: stratum, friends with
/// banner, friends with feed and own cell. Within a group the four regressors are equal, so the group's outcome
/// moments are all the fit needs.
/// </summary>
internal sealed class ExposureGroups
{
    private ExposureGroups(int[] groupOfUnit, double[] regressors, int[] stratum)
    {
        GroupOfUnit = groupOfUnit;
        Regressors = regressors;
        Stratum = stratum;
    }

    /// <summary>Each unit's group.</summary>
    public int[] GroupOfUnit { get; }

    /// <summary>Per group, row-major: friends with banner, friends with feed, own banner, own feed.</summary>
    public double[] Regressors { get; }

    /// <summary>Each group's stratum.</summary>
    public int[] Stratum { get; }

    public int Count => Stratum.Length;

    /// <summary>
    /// Groups the units of <paramref name="problem"/> in one pass over its edges. A stratum's groups are found by a
    /// direct table over (friends with banner, friends with feed, own cell) when that table is small next to the
    /// stratum, and by a hash map otherwise (a few units with hundreds of friends).
    /// </summary>
    public static ExposureGroups Of(SpilloverProblem problem)
    {
        int n = problem.UnitCount;
        var groupOfUnit = new int[n];
        var regressors = new List<double>();
        var stratum = new List<int>();
        int[] table = [];
        var touched = new List<long>();
        var map = new Dictionary<long, int>();
        TreatmentCell[] cells = problem.Cells;
        int[] neighbors = problem.Neighbors;
        long[] offsets = problem.RowOffsets;
        for (int s = 0; s < problem.StratumCount; s++)
        {
            int start = problem.StratumStart[s], end = problem.StratumStart[s + 1];
            long maxDegree = 0;
            for (int i = start; i < end; i++) maxDegree = Math.Max(maxDegree, offsets[i + 1] - offsets[i]);
            long width = maxDegree + 1;
            long keys = width * width * 4;
            bool direct = keys <= Math.Max(4L * (end - start), 1 << 16);
            if (direct && table.Length < keys)
            {
                table = new int[keys];
                Array.Fill(table, -1);
            }
            for (int i = start; i < end; i++)
            {
                int banner = 0, feed = 0;
                for (long e = offsets[i]; e < offsets[i + 1]; e++)
                {
                    int cell = (int)cells[neighbors[e]];
                    banner += cell & 1;
                    feed += cell >> 1;
                }
                int own = (int)cells[i];
                long key = ((banner * width) + feed) * 4 + own;
                int group;
                if (direct)
                {
                    group = table[key];
                    if (group < 0)
                    {
                        group = table[key] = stratum.Count;
                        touched.Add(key);
                        Add(banner, feed, own, s);
                    }
                }
                else if (!map.TryGetValue(key, out group))
                {
                    group = map[key] = stratum.Count;
                    Add(banner, feed, own, s);
                }
                groupOfUnit[i] = group;
            }
            foreach (long key in touched) table[key] = -1;
            touched.Clear();
            map.Clear();
        }
        return new ExposureGroups(groupOfUnit, regressors.ToArray(), stratum.ToArray());

        void Add(int banner, int feed, int own, int s)
        {
            regressors.Add(banner);
            regressors.Add(feed);
            regressors.Add(own & 1);
            regressors.Add(own >> 1);
            stratum.Add(s);
        }
    }
}
