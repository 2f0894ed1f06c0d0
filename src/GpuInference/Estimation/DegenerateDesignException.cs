namespace GpuInference.Estimation;

/// <summary>
/// The design cannot identify what was asked: a column with no variation (within strata, when fixed effects are
/// absorbed), a column that is a linear combination of earlier ones, a stratum without both arms. Thrown instead of
/// returning NaN so that the message can name the column or stratum at fault.
/// </summary>
public sealed class DegenerateDesignException : Exception
{
    /// <summary>Creates the exception for the named column (or stratum) with a message that says what is wrong.</summary>
    public DegenerateDesignException(string column, string message) : base(message) => Column = column;

    /// <summary>The column (or stratum) at fault, as it is named in the design.</summary>
    public string Column { get; }

    /// <summary>The 0-based row of the design at fault (one with leverage 1), when one row is; callers map it back to their data.</summary>
    public int? Observation { get; init; }
}
