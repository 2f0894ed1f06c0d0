using System.Globalization;
using System.Text;
using GpuInference.Data;
using GpuInference.Graph;
using GpuInference.Model;
using GpuInference.Model.Formula;

namespace GpuInference.Tests.Support;

/// <summary>
/// Small random network experiments written as files and read back through the real readers: villages, sessions
/// within villages, a 0/1 and a three-arm treatment assigned by session, covariates (one categorical), outcomes, and a
/// graph with a hub, isolated people and tie weights.
/// </summary>
internal sealed class VillageData
{
    public required string Nodes { get; init; }

    public required string Edges { get; init; }

    public required ColumnTable Table { get; init; }

    public required CsrGraph Graph { get; init; }

    /// <summary>Edges as read, for brute-force checks: (src, dst, weight) by node index.</summary>
    public required List<(int Src, int Dst, double Weight)> EdgeList { get; init; }

    public static VillageData Create(int people, int seed, bool isolated = true)
    {
        var random = new System.Random(seed);
        string dir = Path.Combine(Path.GetTempPath(), "gpuinference-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        int villages = Math.Max(2, people / 40);
        var nodes = new StringBuilder("id,village,session,t,arm,y,x1,grp\n");
        var session = new int[people];
        var village = new int[people];
        for (int i = 0; i < people; i++)
        {
            village[i] = i * villages / people;
            session[i] = village[i] * 100 + (i % 4);
        }
        var sessionT = new Dictionary<int, int>();
        var sessionArm = new Dictionary<int, int>();
        foreach (int s in session.Distinct())
        {
            sessionT[s] = random.Next(2);
            sessionArm[s] = random.Next(3);
        }
        for (int i = 0; i < people; i++)
        {
            string y = random.Next(30) == 0 ? "" : (random.NextDouble() + 0.3 * sessionT[session[i]]).ToString("R", CultureInfo.InvariantCulture);
            string grp = random.Next(3) switch { 0 => "a", 1 => "b", _ => "c" };
            nodes.Append(CultureInfo.InvariantCulture, $"n{i},v{village[i]},s{session[i]},{sessionT[session[i]]},{sessionArm[session[i]]},{y},{random.Next(100) / 7.0},{grp}\n");
        }
        var edges = new StringBuilder("src,dst,weight\n");
        var list = new List<(int, int, double)>();
        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < people; i++)
        {
            if (isolated && i % 17 == 5) continue; // some people name nobody
            int count = i == 0 ? people / 2 : 1 + random.Next(5); // node 0 is a hub
            for (int f = 0; f < count; f++)
            {
                int j = random.Next(people);
                if (j == i || !seen.Add((i, j))) continue;
                double w = 1 + random.Next(9);
                edges.Append(CultureInfo.InvariantCulture, $"n{i},n{j},{w}\n");
                list.Add((i, j, w));
            }
        }
        string nodesPath = Path.Combine(dir, "nodes.csv"), edgesPath = Path.Combine(dir, "edges.csv");
        File.WriteAllText(nodesPath, nodes.ToString());
        File.WriteAllText(edgesPath, edges.ToString());
        ColumnTable table = ColumnTableReader.Read(nodesPath, "id", ["village", "session", "t", "arm", "y", "x1", "grp"]);
        CsrGraph graph = EdgeListReader.Read(edgesPath, table.Ids);
        return new VillageData { Nodes = nodesPath, Edges = edgesPath, Table = table, Graph = graph, EdgeList = list };
    }

    public CompiledModel Compile(string formula, params string[] permuted) =>
        ModelCompiler.Compile(new ModelRequest { Formula = ModelFormula.Parse(formula), Permuted = permuted }, Table, Graph);
}
