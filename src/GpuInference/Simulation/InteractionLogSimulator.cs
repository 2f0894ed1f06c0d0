using System.Buffers.Text;
using GpuInference.Data;

namespace GpuInference.Simulation;

/// <summary>Settings of <see cref="InteractionLogSimulator"/>.</summary>
public sealed record InteractionLogOptions
{
    /// <summary>Rows to write.</summary>
    public long Rows { get; init; } = 1_000_000;

    /// <summary>People (ids 0 … People − 1); 0: one per 25 rows.</summary>
    public long People { get; init; }

    public ulong Seed { get; init; } = 2012;

    /// <summary>Write gzip instead of plain text.</summary>
    public bool Gzip { get; init; }

    /// <summary>The people, with the default filled in.</summary>
    public long ResolvedPeople => People > 0 ? People : Math.Max(2, Rows / 25);

    public void Validate()
    {
        if (Rows < 0) throw new ArgumentException($"--rows must be 0 or more, not {Rows}.");
        if (People is < 0 or 1) throw new ArgumentException($"--people must be at least 2, not {People}.");
    }
}

/// <summary>
/// Writes a synthetic interaction log <c>src,dst,count</c> for benchmarks and tests of the close-friend
/// derivation: each person has 10 to 49 friends (fixed by a hash of the person), rows pick a person uniformly and a
/// friend with a strong skew towards their first few (so a few friends get most of a person's actions, as in real
/// logs), counts are 1 plus a geometric number; a pair recurs across rows, far apart in the file.
/// </summary>
public static class InteractionLogSimulator
{
    public static void Write(string path, InteractionLogOptions options, IProgress<long>? rowsWritten = null)
    {
        options.Validate();
        long people = options.ResolvedPeople;
        ulong state = options.Seed;
        using var output = new BufferedStream(InputFile.Create(path, options.Gzip), 1 << 20);
        output.Write("src,dst,count\n"u8);
        Span<byte> line = stackalloc byte[64];
        for (long row = 0; row < options.Rows; row++)
        {
            ulong draw = Next(ref state);
            long src = (long)Below(draw, (ulong)people);
            ulong personal = Mix((ulong)src ^ options.Seed);
            int friends = 10 + (int)(personal % 40);
            double u = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            int slot = (int)(friends * u * u * u);
            long dst = (long)Below(Mix(personal + (ulong)slot), (ulong)people - 1);
            if (dst >= src) dst++; // never the person themself
            ulong tail = Next(ref state);
            int count = 1 + Math.Min(System.Numerics.BitOperations.TrailingZeroCount(tail | (1UL << 40)), 40);
            int used = 0;
            Utf8Formatter.TryFormat(src, line, out int n); used += n;
            line[used++] = (byte)',';
            Utf8Formatter.TryFormat(dst, line[used..], out n); used += n;
            line[used++] = (byte)',';
            Utf8Formatter.TryFormat(count, line[used..], out n); used += n;
            line[used++] = (byte)'\n';
            output.Write(line[..used]);
            if ((row & 0xFFFFF) == 0) rowsWritten?.Report(row);
        }
        rowsWritten?.Report(options.Rows);
    }

    private static ulong Next(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);

    /// <summary>The SplitMix64 finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Below(ulong random, ulong bound) => (ulong)(((UInt128)random * bound) >> 64);
}
