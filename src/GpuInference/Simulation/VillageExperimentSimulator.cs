using System.Globalization;
using System.Text;

namespace GpuInference.Simulation;

/// <summary>
/// A village experiment of the kind the general test is for: people in villages, sessions of about ten within each
/// village, and an "intensive" information session given to half the sessions of every village (randomized by
/// session within village). Everyone nominates about five friends, nine in ten from their own village; some name
/// people outside the sample. Take-up rises with one's own session (+0.10) and with the share of friends treated
/// (+0.15 per unit of share), plus age, sex and a village effect. Two survey rounds (delay 0 and 1) are interleaved.
/// </summary>
public static class VillageExperimentSimulator
{
    public static (int People, long Nominations) Write(string nodesPath, string edgesPath, int people, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(people, 40);
        var random = new System.Random(unchecked((int)seed ^ (int)(seed >> 32)));
        int villages = Math.Max(4, people / 250);
        var village = new int[people];
        var session = new int[people];
        var intensive = new int[people];
        var age = new int[people];
        var male = new int[people];
        var delay = new int[people];
        var sessionsByVillage = new List<int>[villages];
        int nextSession = 0;
        for (int v = 0; v < villages; v++) sessionsByVillage[v] = [];
        for (int i = 0; i < people; i++)
        {
            village[i] = (int)((long)i * villages / people);
            int rank = i - (int)(((long)village[i] * people + villages - 1) / villages);
            if (rank % 10 == 0) sessionsByVillage[village[i]].Add(nextSession++);
            session[i] = sessionsByVillage[village[i]][^1];
            age[i] = 18 + random.Next(50);
            male[i] = random.Next(2);
            delay[i] = random.Next(2);
        }
        var treatedSession = new bool[nextSession];
        foreach (List<int> sessions in sessionsByVillage)
        {
            int[] order = [.. sessions.OrderBy(_ => random.Next())];
            for (int s = 0; s < order.Length / 2; s++) treatedSession[order[s]] = true;
        }
        for (int i = 0; i < people; i++) intensive[i] = treatedSession[session[i]] ? 1 : 0;

        var villageStart = new int[villages + 1];
        for (int i = 0; i < people; i++) villageStart[village[i] + 1] = i + 1;
        var friends = new List<(int, int)>();
        var outside = new List<(int, string)>();
        for (int i = 0; i < people; i++)
        {
            int count = 2 + random.Next(7);
            var chosen = new HashSet<int>();
            for (int f = 0; f < count; f++)
            {
                if (random.NextDouble() < 0.02)
                {
                    outside.Add((i, $"x{random.Next(1_000_000)}"));
                    continue;
                }
                int v = random.NextDouble() < 0.9 ? village[i] : random.Next(villages);
                int j = villageStart[v] + random.Next(villageStart[v + 1] - villageStart[v]);
                if (j != i && chosen.Add(j)) friends.Add((i, j));
            }
        }
        var treatedShare = new double[people];
        var degree = new int[people];
        foreach ((int i, int j) in friends)
        {
            degree[i]++;
            treatedShare[i] += intensive[j];
        }
        var villageEffect = new double[villages];
        for (int v = 0; v < villages; v++) villageEffect[v] = (random.NextDouble() - 0.5) * 0.2;

        using (var nodes = new StreamWriter(nodesPath, false, new UTF8Encoding(false)))
        {
            nodes.Write("id,village,session,intensive,takeup,age,male,delay\n");
            for (int i = 0; i < people; i++)
            {
                double share = degree[i] == 0 ? 0 : treatedShare[i] / degree[i];
                double p = 0.3 + 0.10 * intensive[i] + 0.15 * share + 0.002 * (age[i] - 40) + 0.03 * male[i] + villageEffect[village[i]];
                int takeup = random.NextDouble() < Math.Clamp(p, 0, 1) ? 1 : 0;
                // One in fifty did not answer the take-up question: a blank cell, dropped from the analysis units.
                string y = random.Next(50) == 0 ? "" : takeup.ToString(CultureInfo.InvariantCulture);
                nodes.Write(string.Create(CultureInfo.InvariantCulture, $"p{i},v{village[i]},s{session[i]},{intensive[i]},{y},{age[i]},{male[i]},{delay[i]}\n"));
            }
        }
        using (var edges = new StreamWriter(edgesPath, false, new UTF8Encoding(false)))
        {
            edges.Write("src,dst\n");
            foreach ((int i, int j) in friends) edges.Write(string.Create(CultureInfo.InvariantCulture, $"p{i},p{j}\n"));
            foreach ((int i, string id) in outside) edges.Write(string.Create(CultureInfo.InvariantCulture, $"p{i},{id}\n"));
        }
        return (people, friends.Count + outside.Count);
    }
}
