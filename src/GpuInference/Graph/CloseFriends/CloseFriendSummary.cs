namespace GpuInference.Graph.CloseFriends;

/// <summary>What <see cref="CloseFriendFinder"/> read, dropped, found and wrote.</summary>
public sealed record CloseFriendSummary
{
    /// <summary>The percentile asked for.</summary>
    public required double Percentile { get; init; }

    /// <summary>Data rows in the file (the header not counted).</summary>
    public required long InputRows { get; init; }

    /// <summary>Rows with a count of 0: dropped (they record no action).</summary>
    public required long ZeroCountRows { get; init; }

    /// <summary>Rows where src and dst are the same id: dropped, their actions count towards no share.</summary>
    public required long SelfActionRows { get; init; }

    /// <summary>The actions of <see cref="SelfActionRows"/>.</summary>
    public required long SelfActions { get; init; }

    /// <summary>Actions directed at someone else: the sum of every kept row's count.</summary>
    public required long Actions { get; init; }

    /// <summary>People with at least one action directed at someone else (the people a share is defined for).</summary>
    public required long People { get; init; }

    /// <summary>Distinct (person, friend) pairs with at least one action: the population of the percentile.</summary>
    public required long Pairs { get; init; }

    /// <summary>The cut-off share (null when there are no pairs): the pair share at rank <see cref="CutOffRank"/>.</summary>
    public required Share? CutOff { get; init; }

    /// <summary>k = max(1, ⌈percentile · pairs / 100⌉), the nearest rank of the cut-off among the shares sorted ascending.</summary>
    public required long CutOffRank { get; init; }

    /// <summary>Pairs whose share equals the cut-off exactly (all of them are close friends).</summary>
    public required long PairsAtCutOff { get; init; }

    /// <summary>Directed close-friend edges written: pairs with share ≥ the cut-off.</summary>
    public required long CloseFriendEdges { get; init; }

    /// <summary>People with at least one close friend.</summary>
    public required long PeopleWithCloseFriends { get; init; }

    /// <summary>Close friends per person with at least one action (<see cref="CloseFriendEdges"/> / <see cref="People"/>).</summary>
    public double MeanCloseFriendsPerPerson => People == 0 ? 0 : (double)CloseFriendEdges / People;

    /// <summary>Partitions the first pass spread the rows over (more where one did not fit the budget).</summary>
    public required int Partitions { get; init; }

    /// <summary>Bytes written to spill files in all.</summary>
    public required long SpilledBytes { get; init; }

    /// <summary>Passes over the pair shares that the selection of the cut-off needed after the aggregation.</summary>
    public required int SelectionPasses { get; init; }
}
