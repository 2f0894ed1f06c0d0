using System.Globalization;
using System.Numerics;

namespace GpuInference.Design.Randomization;

/// <summary>
/// Assignments supplied by the user, one column per permutation (ri2's permutation matrix, ritest's permutation
/// file): permutation b is column b, whatever the seed. Columns are held as bytes when every code fits in one.
/// Build it with <see cref="AssignmentDesigns.FromColumns"/> or <see cref="PermutationFileReader.Read"/>.
/// </summary>
public sealed class FileAssignmentDesign : IAssignmentDesign
{
    private readonly byte[][]? _bytes;
    private readonly int[][]? _ints;

    internal FileAssignmentDesign(string source, string[] names, int units, int codeCount, byte[][]? bytes, int[][]? ints)
    {
        Source = source;
        Names = names;
        UnitCount = units;
        CodeCount = codeCount;
        _bytes = bytes;
        _ints = ints;
    }

    /// <summary>Where the columns came from (a file name), for messages and reports.</summary>
    public string Source { get; }

    /// <summary>The name of each permutation column.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc/>
    public int UnitCount { get; }

    /// <inheritdoc/>
    public int CodeCount { get; }

    /// <summary>The number of permutation columns.</summary>
    public int ColumnCount => Names.Count;

    /// <inheritdoc/>
    public long? PermutationLimit => ColumnCount;

    /// <inheritdoc/>
    public string Describe() => string.Format(CultureInfo.InvariantCulture,
        "from file {0}: {1:N0} permutations of {2:N0} units, {3} codes", Source, ColumnCount, UnitCount, CodeCount);

    /// <inheritdoc/>
    public BigInteger CountAssignments()
    {
        var distinct = new HashSet<int[]>(ColumnComparer.Instance);
        var column = new int[UnitCount];
        for (int b = 0; b < ColumnCount; b++)
        {
            Draw(0, b, column);
            if (distinct.Add(column)) column = new int[UnitCount];
        }
        return distinct.Count;
    }

    /// <inheritdoc/>
    public double LogAssignmentCount() => Math.Log((double)CountAssignments());

    /// <inheritdoc/>
    public void Draw(ulong seed, long permutation, Span<int> drawn)
    {
        int b = Column(permutation, drawn.Length);
        if (_ints is not null) _ints[b].CopyTo(drawn);
        else
        {
            byte[] column = _bytes![b];
            for (int unit = 0; unit < column.Length; unit++) drawn[unit] = column[unit];
        }
    }

    /// <inheritdoc/>
    public void Draw(ulong seed, long permutation, Span<byte> drawn)
    {
        int b = Column(permutation, drawn.Length);
        if (_bytes is null) throw new InvalidOperationException($"codes up to {CodeCount - 1} do not fit in a byte.");
        _bytes[b].CopyTo(drawn);
    }

    private int Column(long permutation, int length)
    {
        if (permutation < 0 || permutation >= ColumnCount)
            throw new ArgumentOutOfRangeException(nameof(permutation), $"permutation {permutation} is beyond the {ColumnCount} columns of {Source}.");
        if (length != UnitCount)
            throw new ArgumentException($"one code per unit is needed: a span of {length} for {UnitCount} units.", "drawn");
        return (int)permutation;
    }

    private sealed class ColumnComparer : IEqualityComparer<int[]>
    {
        public static readonly ColumnComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] column)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(column.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
