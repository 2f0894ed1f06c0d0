namespace GpuInference.Model.Formula;

/// <summary>The nearest of a list of names by Levenshtein distance, ignoring case, for "did you mean" hints.</summary>
internal static class ClosestName
{
    /// <summary>The candidate nearest to <paramref name="name"/>, the first listed on a tie; <c>null</c> if there is none.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(name, candidate);
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>Whether <paramref name="candidate"/> is near enough to <paramref name="name"/> to be a likely typo:
    /// at most two edits, or a third of the name's length for long names.</summary>
    public static bool IsLikelyTypo(string name, string candidate) =>
        Distance(name, candidate) <= Math.Max(2, name.Length / 3);

    /// <summary>Insertions, deletions and substitutions that turn one string into the other, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            char ca = char.ToUpperInvariant(a[i - 1]);
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (ca == char.ToUpperInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
