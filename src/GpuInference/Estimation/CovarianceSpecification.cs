using System.Diagnostics.CodeAnalysis;

namespace GpuInference.Estimation;

/// <summary>
/// A covariance as a user writes it: a <see cref="CovarianceType"/>, and for the cluster-robust types the column that
/// holds the clusters ("HC2", "CR1:village", "CR2:session").
/// </summary>
/// <param name="Type">The covariance type.</param>
/// <param name="ClusterColumn">The cluster column for CR0/CR1/CR2; null otherwise.</param>
public sealed record CovarianceSpecification(CovarianceType Type, string? ClusterColumn)
{
    /// <summary>Whether <paramref name="type"/> sums scores within clusters.</summary>
    public static bool IsClustered(CovarianceType type) => type is CovarianceType.CR0 or CovarianceType.CR1 or CovarianceType.CR2;

    /// <summary>
    /// Reads "TYPE" or "TYPE:COLUMN"; the type's name is matched ignoring case, the column exactly. A clustered type
    /// needs a column and the others take none.
    /// </summary>
    public static bool TryParse(
        string? text, [NotNullWhen(true)] out CovarianceSpecification? specification, [NotNullWhen(false)] out string? problem)
    {
        specification = null;
        const string Expected = "expected Classical, HC0, HC1, HC2, HC3, CR0:COLUMN, CR1:COLUMN or CR2:COLUMN";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"no covariance given; {Expected}";
            return false;
        }
        int colon = text.IndexOf(':');
        string name = (colon < 0 ? text : text[..colon]).Trim();
        string? column = colon < 0 ? null : text[(colon + 1)..].Trim();
        string? match = Enum.GetNames<CovarianceType>().FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            problem = $"unknown covariance '{name}'; {Expected}";
            return false;
        }
        var type = Enum.Parse<CovarianceType>(match);
        if (IsClustered(type) && string.IsNullOrEmpty(column))
        {
            problem = $"{type} needs the column that holds the clusters: {type}:COLUMN";
            return false;
        }
        if (!IsClustered(type) && column is not null)
        {
            problem = $"{type} takes no cluster column; the clustered types are CR0:COLUMN, CR1:COLUMN and CR2:COLUMN";
            return false;
        }
        specification = new CovarianceSpecification(type, column);
        problem = null;
        return true;
    }

    /// <summary>"HC2" or "CR2:village": the form <see cref="TryParse"/> reads.</summary>
    public override string ToString() => ClusterColumn is null ? Type.ToString() : $"{Type}:{ClusterColumn}";
}
